package jirasim

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
)

// richTextLimit is Jira Cloud's limit on a multi-line text field such as
// an issue's description or a comment's body (the site setting
// jira.text.field.character.limit, 32,767 by default and on every Cloud
// site).
const richTextLimit = 32767

// msgTextTooLong is Jira's field error for a value over richTextLimit, as
// Jira Cloud words it under errors.description or errors.comment:
//
//	{"errorMessages":[],"errors":{"description":"The entered text is too long. It exceeds the allowed limit of 32,767 characters."}}
const msgTextTooLong = "The entered text is too long. It exceeds the allowed limit of 32,767 characters."

// richTextLen is the length Jira holds a rich-text value to. Jira stores
// a v3 value as its ADF JSON and a v2 value as its wiki-markup string, and
// the limit applies to what is stored: for ADF the whole serialised
// document (node types, attributes and all), not only its visible text —
// which is why a table of a few hundred short lines is refused although
// its text would fit. Jira is a Java service, so a character is a UTF-16
// code unit. The document is counted as Jira re-serialises it (compact,
// no HTML escaping), so the sender's whitespace and escapes do not count.
func richTextLen(raw json.RawMessage, v2 bool) int {
	if v2 {
		var s string
		_ = json.Unmarshal(raw, &s)
		return utf16Len(s)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return len(raw)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return utf16Len(strings.TrimSuffix(b.String(), "\n"))
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// textField reads a description or comment body like richText and then
// holds it to Jira's length limit.
func textField(raw json.RawMessage, v2 bool) (json.RawMessage, string) {
	stored, msg := richText(raw, v2)
	if msg == "" && stored != nil && richTextLen(raw, v2) > richTextLimit {
		return nil, msgTextTooLong
	}
	return stored, msg
}
