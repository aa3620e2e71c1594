package followup

// ADF is an Atlassian Document Format node, the body format of comments
// in Jira's REST v3.
type ADF = map[string]any

// commentDoc turns rendered text into an ADF document: a paragraph per
// block of text between blank lines, lines joined by hard breaks. Text
// goes in as text nodes, so nothing a customer name holds is read as
// markup, and no text node is empty (Jira refuses those).
func commentDoc(text string) ADF {
	content := []any{}
	for _, p := range paragraphs(text) {
		nodes := []any{}
		for i, line := range p {
			if i > 0 {
				nodes = append(nodes, ADF{"type": "hardBreak"})
			}
			if line != "" {
				nodes = append(nodes, ADF{"type": "text", "text": line})
			}
		}
		content = append(content, ADF{"type": "paragraph", "content": nodes})
	}
	return ADF{"type": "doc", "version": 1, "content": content}
}
