package jira

import (
	"context"
	"encoding/json"
	"fmt"
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

// FindCommentByProperty pages through the issue's comments and returns
// the id of the first that carries the comment property named property
// with a value match accepts. The comment list does not expand
// properties, so each page's ids are read again through the comment
// list operation, which does (expand=properties).
func (c *Client) FindCommentByProperty(ctx context.Context, issueKey, property string, match func(value json.RawMessage) bool) (string, bool, error) {
	path := "/rest/api/3/issue/" + url.PathEscape(issueKey) + "/comment"
	for start := 0; ; {
		var page struct {
			Total    int `json:"total"`
			Comments []struct {
				ID string `json:"id"`
			} `json:"comments"`
		}
		q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"100"}}
		if _, err := c.Do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return "", false, err
		}
		ids := make([]int64, 0, len(page.Comments))
		for _, cm := range page.Comments {
			id, err := strconv.ParseInt(cm.ID, 10, 64)
			if err != nil {
				return "", false, fmt.Errorf("jira comment id %q: %w", cm.ID, err)
			}
			ids = append(ids, id)
		}
		if len(ids) > 0 {
			id, found, err := c.commentWithProperty(ctx, ids, property, match)
			if err != nil || found {
				return id, found, err
			}
		}
		start += len(page.Comments)
		if len(page.Comments) == 0 || start >= page.Total {
			return "", false, nil
		}
	}
}

// commentWithProperty reads the comments ids (at most 1,000) with their
// properties and returns the first, in ids' order, whose property
// match accepts.
func (c *Client) commentWithProperty(ctx context.Context, ids []int64, property string, match func(value json.RawMessage) bool) (string, bool, error) {
	var list struct {
		Values []struct {
			ID         string `json:"id"`
			Properties []struct {
				Key   string          `json:"key"`
				Value json.RawMessage `json:"value"`
			} `json:"properties"`
		} `json:"values"`
	}
	q := url.Values{"expand": {"properties"}}
	if _, err := c.Do(ctx, http.MethodPost, "/rest/api/3/comment/list", q, map[string]any{"ids": ids}, &list); err != nil {
		return "", false, err
	}
	byID := make(map[string]bool, len(list.Values))
	for _, v := range list.Values {
		for _, p := range v.Properties {
			if p.Key == property && match(p.Value) {
				byID[v.ID] = true
			}
		}
	}
	for _, id := range ids {
		if s := strconv.FormatInt(id, 10); byID[s] {
			return s, true, nil
		}
	}
	return "", false, nil
}
