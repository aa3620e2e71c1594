package facturx

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"
)

// The output intent of a PDF/A file that paints in DeviceRGB (as fpdf
// does) must carry an ICC profile of the RGB space it means. Remit
// generates that profile: an ICC version 2.1 display profile of sRGB
// (IEC 61966-2-1), built from the standard's primaries, white point and
// transfer curve, so no third-party profile file is shipped or read at run
// time.
//
// The layout follows ICC.1:2001-04 (version 2): a 128-byte header, the tag
// table, then the tag data, each element starting on a 4-byte boundary, all
// numbers big-endian. The tags are the nine a three-component matrix/TRC
// display profile requires: desc, cprt, wtpt, rXYZ, gXYZ, bXYZ and the
// three TRCs, which share one 1024-entry curve (the ICC allows tags to
// share data). As in the widely used v2 sRGB profiles, the colorants are
// adapted to the D50 connection space with the Bradford transform and the
// media white point is D65, the display's own white.

const (
	iccDescription = "sRGB IEC61966-2.1"
	iccCopyright   = "No copyright, use freely"
	iccCurvePoints = 1024
)

// pcsD50 is the ICC profile connection space illuminant, in the exact
// s15Fixed16 values the ICC specification gives (0.9642, 1.0, 0.8249).
var pcsD50 = [3]int32{0xF6D6, 0x10000, 0xD32D}

// srgbProfile is the profile's bytes, computed once per process.
var srgbProfile = sync.OnceValue(buildSRGBProfile)

func buildSRGBProfile() []byte {
	white := xyFromChromaticity(0.3127, 0.3290) // D65
	cols := srgbColorantsD50()

	type tag struct {
		sig  string
		data []byte
	}
	curve := curveTag()
	tags := []tag{
		{"desc", descTag(iccDescription)},
		{"cprt", textTag(iccCopyright)},
		{"wtpt", xyzTag(white)},
		{"rXYZ", xyzTag(cols[0])},
		{"gXYZ", xyzTag(cols[1])},
		{"bXYZ", xyzTag(cols[2])},
		{"rTRC", curve},
		{"gTRC", curve},
		{"bTRC", curve},
	}

	const headerSize = 128
	start := headerSize + 4 + 12*len(tags) // where the tag data begins; a multiple of 4
	head := make([]byte, start)
	be := binary.BigEndian
	be.PutUint32(head[headerSize:], uint32(len(tags)))

	var data []byte
	offsets := map[*byte]int{} // data shared by several tags is written once
	for i, t := range tags {
		off, seen := offsets[&t.data[0]]
		if !seen {
			data = pad4(data)
			off = start + len(data)
			offsets[&t.data[0]] = off
			data = append(data, t.data...)
		}
		entry := head[headerSize+4+12*i:]
		copy(entry, t.sig)
		be.PutUint32(entry[4:], uint32(off))
		be.PutUint32(entry[8:], uint32(len(t.data)))
	}
	p := slices.Concat(head, pad4(data))

	h := p[:headerSize]
	be.PutUint32(h[0:], uint32(len(p))) // profile size
	// h[4:8] preferred CMM: none.
	be.PutUint32(h[8:], 0x02100000) // version 2.1.0
	copy(h[12:], "mntr")            // display device class
	copy(h[16:], "RGB ")            // data colour space
	copy(h[20:], "XYZ ")            // profile connection space
	for i, v := range []uint16{2026, 1, 1, 0, 0, 0} {
		be.PutUint16(h[24+2*i:], v) // creation date, fixed: the bytes never change
	}
	copy(h[36:], "acsp")
	// h[40:64] platform, flags, manufacturer, model, attributes: none.
	// h[64:68] rendering intent 0, perceptual.
	for i, v := range pcsD50 {
		be.PutUint32(h[68+4*i:], uint32(v))
	}
	// h[80:128] creator, profile ID (version 4 only) and reserved: zero.
	return p
}

// xyFromChromaticity is the XYZ of a colour with chromaticity (x, y) and
// luminance 1.
func xyFromChromaticity(x, y float64) [3]float64 {
	return [3]float64{x / y, 1, (1 - x - y) / y}
}

// srgbColorantsD50 are the XYZ of sRGB's red, green and blue at full
// intensity, adapted from D65 to the connection space's D50 with the
// Bradford transform.
func srgbColorantsD50() [3][3]float64 {
	prim := [3][3]float64{
		xyFromChromaticity(0.64, 0.33),
		xyFromChromaticity(0.30, 0.60),
		xyFromChromaticity(0.15, 0.06),
	}
	white := xyFromChromaticity(0.3127, 0.3290)
	// Scale each primary so that the three add up to the white point:
	// solve P·s = white, P's columns being the primaries.
	var pm [3][3]float64
	for c := range 3 {
		for r := range 3 {
			pm[r][c] = prim[c][r]
		}
	}
	s := mulVec(inverse(pm), white)

	d50 := [3]float64{}
	for i, v := range pcsD50 {
		d50[i] = float64(v) / 65536
	}
	bradford := [3][3]float64{
		{0.8951, 0.2664, -0.1614},
		{-0.7502, 1.7135, 0.0367},
		{0.0389, -0.0685, 1.0296},
	}
	src, dst := mulVec(bradford, white), mulVec(bradford, d50)
	var scale [3][3]float64
	for i := range 3 {
		scale[i][i] = dst[i] / src[i]
	}
	adapt := mulMat(inverse(bradford), mulMat(scale, bradford))

	var out [3][3]float64
	for c := range 3 {
		var xyz [3]float64
		for r := range 3 {
			xyz[r] = prim[c][r] * s[c]
		}
		out[c] = mulVec(adapt, xyz)
	}
	return out
}

// srgbDecode is the sRGB transfer function: encoded value to linear light.
func srgbDecode(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func descTag(s string) []byte {
	// textDescriptionType: ASCII count and text (with its NUL), an empty
	// Unicode description (language code, count 0), an empty ScriptCode
	// description (code, count 0 and its fixed 67 bytes).
	b := sigAndReserved("desc")
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)+1))
	b = append(b, s...)
	b = append(b, 0)
	b = append(b, make([]byte, 4+4+2+1+67)...)
	return b
}

func textTag(s string) []byte {
	b := sigAndReserved("text")
	b = append(b, s...)
	return append(b, 0)
}

func xyzTag(v [3]float64) []byte {
	b := sigAndReserved("XYZ ")
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, uint32(s15Fixed16(x)))
	}
	return b
}

func curveTag() []byte {
	b := sigAndReserved("curv")
	b = binary.BigEndian.AppendUint32(b, iccCurvePoints)
	for i := range iccCurvePoints {
		y := srgbDecode(float64(i) / (iccCurvePoints - 1))
		b = binary.BigEndian.AppendUint16(b, uint16(math.Round(y*65535)))
	}
	return b
}

func sigAndReserved(sig string) []byte {
	return append([]byte(sig), 0, 0, 0, 0)
}

func s15Fixed16(v float64) int32 { return int32(math.Round(v * 65536)) }

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func mulVec(m [3][3]float64, v [3]float64) [3]float64 {
	var out [3]float64
	for r := range 3 {
		out[r] = m[r][0]*v[0] + m[r][1]*v[1] + m[r][2]*v[2]
	}
	return out
}

func mulMat(a, b [3][3]float64) [3][3]float64 {
	var out [3][3]float64
	for r := range 3 {
		for c := range 3 {
			out[r][c] = a[r][0]*b[0][c] + a[r][1]*b[1][c] + a[r][2]*b[2][c]
		}
	}
	return out
}

// inverse of a 3×3 matrix by its adjugate; the matrices here are well
// conditioned (primaries, Bradford), never singular.
func inverse(m [3][3]float64) [3][3]float64 {
	cof := func(r, c int) float64 {
		r1, r2 := (r+1)%3, (r+2)%3
		c1, c2 := (c+1)%3, (c+2)%3
		return m[r1][c1]*m[r2][c2] - m[r1][c2]*m[r2][c1]
	}
	det := m[0][0]*cof(0, 0) + m[0][1]*cof(0, 1) + m[0][2]*cof(0, 2)
	var out [3][3]float64
	for r := range 3 {
		for c := range 3 {
			out[c][r] = cof(r, c) / det
		}
	}
	return out
}
