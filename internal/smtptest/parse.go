package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Received is one accepted message, read as a mail client reads it.
type Received struct {
	From        string   // envelope sender
	To          []string // envelope recipients (To and Cc)
	Header      mail.Header
	Subject     string   // decoded
	HeaderTo    []string // addresses of the To header
	CC          []string // addresses of the Cc header
	MessageID   string
	Text        string
	HTML        string
	Attachments []Attachment
	Raw         []byte
}

// Attachment is a part sent as a file.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

func parse(from string, to []string, raw []byte) (Received, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	r := Received{From: from, To: to, Header: m.Header, Raw: raw, MessageID: m.Header.Get("Message-Id")}
	dec := new(mime.WordDecoder)
	if r.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		return r, fmt.Errorf("subject: %w", err)
	}
	addrs := func(field string) ([]string, error) {
		if m.Header.Get(field) == "" {
			return nil, nil
		}
		list, err := m.Header.AddressList(field)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = a.Address
		}
		return out, nil
	}
	if r.HeaderTo, err = addrs("To"); err != nil {
		return r, err
	}
	if r.CC, err = addrs("Cc"); err != nil {
		return r, err
	}
	err = r.walk(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Header.Get("Content-Disposition"), m.Body)
	return r, err
}

// walk reads one MIME part, descending into multiparts.
func (r *Received) walk(contentType, encoding, disposition string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := r.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p); err != nil {
				return err
			}
		}
	}
	data, err := decode(encoding, body)
	if err != nil {
		return err
	}
	disp, dparams, _ := mime.ParseMediaType(disposition)
	switch {
	case disp == "attachment" || (disp == "" && params["name"] != "" && !strings.HasPrefix(media, "text/")):
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		r.Attachments = append(r.Attachments, Attachment{Name: name, ContentType: media, Data: data})
	case media == "text/plain":
		r.Text += string(data)
	case media == "text/html":
		r.HTML += string(data)
	default:
		r.Attachments = append(r.Attachments, Attachment{Name: dparams["filename"], ContentType: media, Data: data})
	}
	return nil
}

func decode(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	}
	return io.ReadAll(body)
}
