package forge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// omap is a JSON/YAML object that keeps its keys in order, so that the
// generated manifest lists connectModules exactly as the descriptor does
// and regenerating it gives the same bytes.
type omap struct {
	keys []string
	vals map[string]any
}

func newOmap() *omap { return &omap{vals: map[string]any{}} }

// set adds or replaces k, keeping the first position of k.
func (m *omap) set(k string, v any) *omap {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
	return m
}

// decodeOrdered decodes JSON into *omap, []any, string, json.Number,
// bool and nil, keeping object key order.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := newOmap()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				m.set(kt.(string), v)
			}
			_, err := dec.Token() // '}'
			return m, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token() // ']'
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// writeYAML emits v as block-style YAML. Strings that YAML could read as
// anything but the same string are double-quoted (JSON escapes are valid
// YAML escapes).
func writeYAML(b *bytes.Buffer, v any, indent int) {
	switch t := v.(type) {
	case *omap:
		for _, k := range t.keys {
			writeKeyValue(b, k, t.vals[k], indent)
		}
	case []any:
		for _, item := range t {
			writeListItem(b, item, indent)
		}
	default:
		b.WriteString(strings.Repeat(" ", indent) + scalar(v) + "\n")
	}
}

func writeKeyValue(b *bytes.Buffer, k string, v any, indent int) {
	pad := strings.Repeat(" ", indent)
	switch t := v.(type) {
	case *omap:
		if len(t.keys) == 0 {
			b.WriteString(pad + scalar(k) + ": {}\n")
			return
		}
		b.WriteString(pad + scalar(k) + ":\n")
		writeYAML(b, t, indent+2)
	case []any:
		if len(t) == 0 {
			b.WriteString(pad + scalar(k) + ": []\n")
			return
		}
		b.WriteString(pad + scalar(k) + ":\n")
		writeYAML(b, t, indent+2)
	default:
		b.WriteString(pad + scalar(k) + ": " + scalar(v) + "\n")
	}
}

func writeListItem(b *bytes.Buffer, v any, indent int) {
	pad := strings.Repeat(" ", indent)
	switch t := v.(type) {
	case *omap:
		if len(t.keys) == 0 {
			b.WriteString(pad + "- {}\n")
			return
		}
		// The first pair shares the dash's line; the rest align under it.
		var first bytes.Buffer
		writeKeyValue(&first, t.keys[0], t.vals[t.keys[0]], indent+2)
		b.WriteString(pad + "- " + strings.TrimPrefix(first.String(), strings.Repeat(" ", indent+2)))
		for _, k := range t.keys[1:] {
			writeKeyValue(b, k, t.vals[k], indent+2)
		}
	case []any:
		if len(t) == 0 {
			b.WriteString(pad + "- []\n")
			return
		}
		b.WriteString(pad + "-\n")
		writeYAML(b, t, indent+2)
	default:
		b.WriteString(pad + "- " + scalar(v) + "\n")
	}
}

// plainSafe is what may stay unquoted: a conservative subset of YAML plain
// scalars (no leading indicator, no ": " or " #", no trailing space).
var plainSafe = regexp.MustCompile(`^[A-Za-z0-9_/.$][A-Za-z0-9 _./:@?=&,{}()+$-]*$`)

// ambiguous are plain words YAML 1.1 or 1.2 readers turn into non-strings.
var ambiguous = regexp.MustCompile(`(?i)^(y|n|yes|no|on|off|true|false|null|~|[-+]?(\.inf|\.nan)|[-+]?[0-9][0-9_.:eExXoO+-]*)$`)

func scalar(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(t)
	case json.Number:
		return t.String()
	case int:
		return strconv.Itoa(t)
	case string:
		if t != "" && plainSafe.MatchString(t) && !ambiguous.MatchString(t) &&
			!strings.Contains(t, ": ") && !strings.Contains(t, " #") && !strings.HasSuffix(t, " ") && !strings.HasSuffix(t, ":") {
			return t
		}
		q, _ := json.Marshal(t)
		return string(q)
	}
	q, _ := json.Marshal(v)
	return string(q)
}
