package facturx

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// iccTag is one entry of a profile's tag table, with its data.
type iccTag struct {
	off, size uint32
	data      []byte
}

// parseICC reads what a colour-managing reader checks first: the header
// fields PDF/A validators look at, and the tag table, each tag's data
// inside the profile and 4-byte aligned.
func parseICC(t *testing.T, p []byte) map[string]iccTag {
	t.Helper()
	be := binary.BigEndian
	if len(p) < 132 {
		t.Fatalf("profile is %d bytes, shorter than a header and tag count", len(p))
	}
	if got := be.Uint32(p[0:]); int(got) != len(p) {
		t.Errorf("header size %d, profile is %d bytes", got, len(p))
	}
	if len(p)%4 != 0 {
		t.Errorf("profile size %d is not a multiple of 4", len(p))
	}
	for _, c := range []struct {
		at   int
		want string
	}{{36, "acsp"}, {12, "mntr"}, {16, "RGB "}, {20, "XYZ "}} {
		if got := string(p[c.at : c.at+4]); got != c.want {
			t.Errorf("header bytes %d–%d = %q, want %q", c.at, c.at+3, got, c.want)
		}
	}
	if v := p[8]; v != 2 {
		t.Errorf("major version %d, want 2", v)
	}
	if got := [3]uint32{be.Uint32(p[68:]), be.Uint32(p[72:]), be.Uint32(p[76:])}; got != [3]uint32{0xF6D6, 0x10000, 0xD32D} {
		t.Errorf("PCS illuminant %x, want D50", got)
	}
	if !bytes.Equal(p[84:128], make([]byte, 44)) {
		t.Error("profile ID and reserved bytes are not zero")
	}
	n := be.Uint32(p[128:])
	tags := map[string]iccTag{}
	for i := range n {
		e := p[132+12*i:]
		sig := string(e[:4])
		off, size := be.Uint32(e[4:]), be.Uint32(e[8:])
		if off%4 != 0 || off < 132+12*n || int(off+size) > len(p) {
			t.Fatalf("tag %q at %d+%d lies outside the data area of a %d-byte profile", sig, off, size, len(p))
		}
		tags[sig] = iccTag{off, size, p[off : off+size]}
	}
	return tags
}

func TestSRGBProfileIsAWellFormedV2DisplayProfile(t *testing.T) {
	p := srgbProfile()
	tags := parseICC(t, p)
	types := map[string]string{
		"desc": "desc", "cprt": "text", "wtpt": "XYZ ",
		"rXYZ": "XYZ ", "gXYZ": "XYZ ", "bXYZ": "XYZ ",
		"rTRC": "curv", "gTRC": "curv", "bTRC": "curv",
	}
	if len(tags) != len(types) {
		t.Errorf("%d tags, want %d", len(tags), len(types))
	}
	for sig, typ := range types {
		tg, ok := tags[sig]
		if !ok {
			t.Errorf("tag %q missing", sig)
			continue
		}
		if got := string(tg.data[:4]); got != typ {
			t.Errorf("tag %q has type %q, want %q", sig, got, typ)
		}
		if !bytes.Equal(tg.data[4:8], []byte{0, 0, 0, 0}) {
			t.Errorf("tag %q: reserved bytes not zero", sig)
		}
	}

	desc := tags["desc"].data
	count := binary.BigEndian.Uint32(desc[8:])
	if got := string(desc[12 : 12+count]); got != iccDescription+"\x00" {
		t.Errorf("desc text %q", got)
	}
	if want := 12 + int(count) + 4 + 4 + 2 + 1 + 67; len(desc) != want {
		t.Errorf("desc is %d bytes, want %d", len(desc), want)
	}
	if cprt := tags["cprt"].data; cprt[len(cprt)-1] != 0 {
		t.Error("cprt text is not NUL-terminated")
	}
	if tags["rTRC"].off != tags["gTRC"].off || tags["gTRC"].off != tags["bTRC"].off {
		t.Error("the three TRCs do not share one curve")
	}
}

func TestSRGBProfileColorimetry(t *testing.T) {
	tags := parseICC(t, srgbProfile())
	xyz := func(sig string) [3]float64 {
		d := tags[sig].data
		var v [3]float64
		for i := range v {
			v[i] = float64(int32(binary.BigEndian.Uint32(d[8+4*i:]))) / 65536
		}
		return v
	}
	// The published D50-adapted sRGB colorants and D65 white.
	want := map[string][3]float64{
		"rXYZ": {0.4361, 0.2225, 0.0139},
		"gXYZ": {0.3851, 0.7169, 0.0971},
		"bXYZ": {0.1431, 0.0606, 0.7141},
		"wtpt": {0.9505, 1.0000, 1.0891},
	}
	for sig, w := range want {
		got := xyz(sig)
		for i := range w {
			if math.Abs(got[i]-w[i]) > 0.0002 {
				t.Errorf("%s = %.4f, want %.4f", sig, got, w)
				break
			}
		}
	}
	// Full red, green and blue together are the connection space's white.
	r, g, b := xyz("rXYZ"), xyz("gXYZ"), xyz("bXYZ")
	for i, d50 := range [3]float64{0.9642, 1.0, 0.8249} {
		if sum := r[i] + g[i] + b[i]; math.Abs(sum-d50) > 0.0001 {
			t.Errorf("colorants add up to %.5f in component %d, want D50's %.4f", sum, i, d50)
		}
	}

	curve := tags["rTRC"].data
	n := int(binary.BigEndian.Uint32(curve[8:]))
	if n != iccCurvePoints || len(curve) != 12+2*n {
		t.Fatalf("curve of %d points in %d bytes", n, len(curve))
	}
	at := func(i int) float64 { return float64(binary.BigEndian.Uint16(curve[12+2*i:])) / 65535 }
	if at(0) != 0 || at(n-1) != 1 {
		t.Errorf("curve runs from %v to %v, want 0 to 1", at(0), at(n-1))
	}
	for i := 1; i < n; i++ {
		if at(i) < at(i-1) {
			t.Fatalf("curve falls at point %d", i)
		}
	}
	// sRGB's mid grey (encoded 0.5) is 21.4% linear light; a plain gamma
	// 2.2 curve would give 21.8%, gamma 1.8 28.7%.
	if mid := at(n / 2); math.Abs(mid-0.2142) > 0.001 {
		t.Errorf("curve at 0.5 = %.4f, want sRGB's 0.214", mid)
	}
}
