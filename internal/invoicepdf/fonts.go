package invoicepdf

import (
	"sync"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// fontFamily is the name under which the embedded Go fonts are registered.
const fontFamily = "Go"

// addFonts embeds the regular and bold Go fonts as UTF-8 TrueType fonts, so
// the PDF carries its own glyphs and prints the same on every reader.
func addFonts(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
}

// coverage is the set of Basic Multilingual Plane runes that both fonts
// can draw, one bit per rune.
type coverage [0x10000 / 64]uint64

func (c *coverage) has(r rune) bool {
	return r >= 0 && r < 0x10000 && c[r/64]&(1<<(uint(r)%64)) != 0
}

// fontCoverage is computed once per process: the fonts are compiled in, so
// their cmaps never change, and scanning them costs a few milliseconds.
var fontCoverage = sync.OnceValue(func() *coverage {
	var c coverage
	var buf sfnt.Buffer
	fonts := make([]*sfnt.Font, 0, 2)
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("invoicepdf: embedded Go font does not parse: " + err.Error())
		}
		fonts = append(fonts, f)
	}
	for r := rune(0x20); r < 0x10000; r++ {
		ok := true
		for _, f := range fonts {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				ok = false
				break
			}
		}
		if ok {
			c[r/64] |= 1 << (uint(r) % 64)
		}
	}
	return &c
})
