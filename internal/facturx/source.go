package facturx

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// source is the PDF Embed starts from, read only as far as rewriting it
// needs: the byte range of each object, and the trailer's /Size, /Root and
// /Info. It must be what fpdf writes: one revision, a classic
// cross-reference table, every object number from 1 to Size-1 in use with
// generation 0, no encryption. Anything else is refused rather than
// guessed at; no object's content is parsed except the catalog's keys.
type source struct {
	objects    []span // sorted by offset
	size       int    // the trailer's /Size
	root, info int    // object numbers of the catalog and the info dictionary
}

// span is one object's bytes in the source, from "n 0 obj" to just before
// the next object (or the cross-reference table).
type span struct {
	num        int
	start, end int
}

var (
	trailerSize = regexp.MustCompile(`/Size\s+(\d+)\b`)
	trailerRoot = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R\b`)
	trailerInfo = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R\b`)
	// Keys whose presence means a file this reader does not handle.
	trailerRefused = regexp.MustCompile(`/(Encrypt|Prev|XRefStm)\b`)
)

func readSource(pdf []byte) (*source, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		return nil, errors.New("not a PDF: no %PDF-1.x header")
	}
	xrefAt, err := startXref(pdf)
	if err != nil {
		return nil, err
	}
	offsets, trailer, err := xrefTable(pdf, xrefAt)
	if err != nil {
		return nil, err
	}
	if m := trailerRefused.FindSubmatch(trailer); m != nil {
		return nil, fmt.Errorf("trailer has /%s: only a single unencrypted revision is supported", m[1])
	}
	s := &source{}
	for _, f := range []struct {
		re  *regexp.Regexp
		dst *int
	}{{trailerSize, &s.size}, {trailerRoot, &s.root}, {trailerInfo, &s.info}} {
		m := f.re.FindSubmatch(trailer)
		if m == nil {
			return nil, fmt.Errorf("trailer lacks %s", f.re)
		}
		if *f.dst, err = strconv.Atoi(string(m[1])); err != nil {
			return nil, fmt.Errorf("trailer: %w", err)
		}
	}
	if s.size != len(offsets) {
		return nil, fmt.Errorf("trailer /Size %d, cross-reference table has %d entries", s.size, len(offsets))
	}
	for _, n := range []int{s.root, s.info} {
		if n <= 0 || n >= s.size {
			return nil, fmt.Errorf("trailer refers to object %d outside 1–%d", n, s.size-1)
		}
	}
	if s.root == s.info {
		return nil, errors.New("trailer: /Root and /Info are the same object")
	}

	headerEnd := bytes.IndexByte(pdf, '\n') + 1
	for num := 1; num < s.size; num++ {
		s.objects = append(s.objects, span{num: num, start: offsets[num]})
	}
	slices.SortFunc(s.objects, func(a, b span) int { return a.start - b.start })
	for i := range s.objects {
		o := &s.objects[i]
		o.end = xrefAt
		if i+1 < len(s.objects) {
			o.end = s.objects[i+1].start
		}
		if o.start < headerEnd || o.start >= o.end {
			return nil, fmt.Errorf("object %d: offset %d out of place", o.num, o.start)
		}
		b := pdf[o.start:o.end]
		if !bytes.HasPrefix(b, fmt.Appendf(nil, "%d 0 obj", o.num)) ||
			!bytes.HasSuffix(bytes.TrimRight(b, " \r\n"), []byte("endobj")) {
			return nil, fmt.Errorf("object %d: no \"%d 0 obj … endobj\" at offset %d", o.num, o.num, o.start)
		}
	}
	return s, nil
}

// startXref is the offset the file's last startxref names.
func startXref(pdf []byte) (int, error) {
	tail := pdf[max(0, len(pdf)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return 0, errors.New("no startxref in the last 1024 bytes")
	}
	f := bytes.Fields(tail[i+len("startxref"):])
	if len(f) < 2 || string(f[1]) != "%%EOF" {
		return 0, errors.New("startxref is not followed by an offset and %%EOF")
	}
	at, err := strconv.Atoi(string(f[0]))
	if err != nil || at <= 0 || at >= len(pdf)-len(tail)+i {
		return 0, fmt.Errorf("startxref offset %q out of range", f[0])
	}
	return at, nil
}

// xrefTable reads the classic cross-reference table at at: the offset of
// each object, indexed by object number, and the trailer dictionary's
// bytes. Every entry but the head of the free list must be in use with
// generation 0.
func xrefTable(pdf []byte, at int) ([]int, []byte, error) {
	pos := at
	var lineStart int
	line := func() []byte {
		lineStart = pos
		i := bytes.IndexAny(pdf[pos:], "\r\n")
		if i < 0 {
			i = len(pdf) - pos
		}
		l := pdf[pos : pos+i]
		pos += i
		for pos < len(pdf) && (pdf[pos] == '\r' || pdf[pos] == '\n') {
			pos++
		}
		return l
	}
	if l := bytes.TrimSpace(line()); string(l) != "xref" {
		return nil, nil, errors.New("no classic cross-reference table at startxref (a cross-reference stream is not supported)")
	}
	var offsets []int
	for {
		l := bytes.TrimSpace(line())
		if bytes.HasPrefix(l, []byte("trailer")) {
			pos = lineStart + bytes.Index(pdf[lineStart:], []byte("trailer")) + len("trailer")
			break
		}
		head := bytes.Fields(l)
		if len(head) != 2 {
			return nil, nil, fmt.Errorf("cross-reference table: bad subsection header %q", l)
		}
		first, err1 := strconv.Atoi(string(head[0]))
		count, err2 := strconv.Atoi(string(head[1]))
		if err1 != nil || err2 != nil || first != len(offsets) || count < 0 || count > (len(pdf)-pos)/18 {
			return nil, nil, fmt.Errorf("cross-reference table: subsection %q does not continue from object %d", l, len(offsets))
		}
		for range count {
			e := bytes.Fields(line())
			if len(e) != 3 {
				return nil, nil, errors.New("cross-reference table: bad entry")
			}
			num := len(offsets)
			off, err := strconv.Atoi(string(e[0]))
			switch {
			case err != nil:
				return nil, nil, fmt.Errorf("cross-reference entry %d: %w", num, err)
			case num == 0 && (string(e[2]) != "f" || string(e[1]) != "65535"):
				return nil, nil, errors.New("cross-reference table: object 0 is not the head of the free list")
			case num > 0 && (string(e[2]) != "n" || string(e[1]) != "00000"):
				return nil, nil, fmt.Errorf("cross-reference entry %d is free or of a later generation", num)
			case off >= at:
				return nil, nil, fmt.Errorf("cross-reference entry %d points past the table", num)
			}
			offsets = append(offsets, off)
		}
	}
	end := bytes.Index(pdf[pos:], []byte("startxref"))
	if end < 0 {
		return nil, nil, errors.New("no startxref after the trailer")
	}
	return offsets, pdf[pos : pos+end], nil
}
