package jira

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// ParagraphDoc is an Atlassian Document Format document holding text as
// one paragraph, the body of a plain comment in REST v3.
func ParagraphDoc(text string) map[string]any {
	return map[string]any{"type": "doc", "version": 1, "content": []any{
		map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": text}}}}}
}

// CommentDoc is the ADF document of a comment written as paragraphs of
// lines (followup.Comment is one): a paragraph each, lines joined by hard
// breaks, every line a text node.
func CommentDoc(paragraphs [][]string) map[string]any {
	d := make(Document, len(paragraphs))
	for i, p := range paragraphs {
		d[i] = Paragraph(p)
	}
	return d.ADF()
}

// ParagraphText is the text of a document ParagraphDoc made; ok is false
// for any other document.
func ParagraphText(body json.RawMessage) (text string, ok bool) {
	var doc struct {
		Content []struct {
			Content []struct {
				Text string `json:"text"`
			} `json:"content"`
		} `json:"content"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Content) != 1 || len(doc.Content[0].Content) != 1 {
		return "", false
	}
	return doc.Content[0].Content[0].Text, true
}

// FindComment pages through the issue's comments and returns the id of
// the first whose ADF body match accepts: how a writer looks for its own
// earlier comment before posting again after an uncertain answer.
func (c *Client) FindComment(ctx context.Context, issueKey string, match func(body json.RawMessage) bool) (string, bool, error) {
	path := "/rest/api/3/issue/" + url.PathEscape(issueKey) + "/comment"
	for start := 0; ; {
		var page struct {
			Total    int `json:"total"`
			Comments []struct {
				ID   string          `json:"id"`
				Body json.RawMessage `json:"body"`
			} `json:"comments"`
		}
		q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"100"}}
		if _, err := c.Do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return "", false, err
		}
		for _, cm := range page.Comments {
			if match(cm.Body) {
				return cm.ID, true, nil
			}
		}
		start += len(page.Comments)
		if len(page.Comments) == 0 || start >= page.Total {
			return "", false, nil
		}
	}
}
