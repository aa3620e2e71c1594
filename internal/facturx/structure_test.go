package facturx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// qpdfObjects is the file as qpdf's JSON sees it: each object by "obj:n 0
// R", and "trailer".
func qpdfObjects(t *testing.T, path string) map[string]json.RawMessage {
	t.Helper()
	var doc struct {
		QPDF []json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal([]byte(run(t, "qpdf", "--json=2", "--json-key=qpdf", path)), &doc); err != nil || len(doc.QPDF) != 2 {
		t.Fatalf("qpdf --json: %v", err)
	}
	var objs map[string]json.RawMessage
	if err := json.Unmarshal(doc.QPDF[1], &objs); err != nil {
		t.Fatal(err)
	}
	return objs
}

// qpdfDict is a dictionary (an object's value or a stream's dictionary).
type qpdfDict map[string]any

func dictOf(t *testing.T, objs map[string]json.RawMessage, ref string) qpdfDict {
	t.Helper()
	raw, ok := objs[ref]
	if !ok {
		raw, ok = objs["obj:"+ref]
	}
	if !ok {
		t.Fatalf("no object %s", ref)
	}
	var o struct {
		Value  qpdfDict `json:"value"`
		Stream struct {
			Dict qpdfDict `json:"dict"`
		} `json:"stream"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	if o.Value != nil {
		return o.Value
	}
	return o.Stream.Dict
}

// TestEmbedStructure: read by qpdf, the catalog, the file specification,
// the embedded file, the metadata stream, the output intent and the
// trailer have what PDF/A-3 and Factur-X require.
func TestEmbedStructure(t *testing.T) {
	_, _, path := embedded(t)
	objs := qpdfObjects(t, path)

	trailer := dictOf(t, objs, "trailer")
	ids, _ := trailer["/ID"].([]any)
	if len(ids) != 2 || ids[0] == "" || ids[0] != ids[1] {
		t.Errorf("trailer /ID = %v, want two equal identifiers", trailer["/ID"])
	}
	if _, ok := trailer["/Encrypt"]; ok {
		t.Error("trailer has /Encrypt")
	}
	catalog := dictOf(t, objs, trailer["/Root"].(string))

	af, _ := catalog["/AF"].([]any)
	names, _ := catalog["/Names"].(map[string]any)["/EmbeddedFiles"].(map[string]any)["/Names"].([]any)
	if len(af) != 1 || len(names) != 2 || names[0] != "u:factur-x.xml" || names[1] != af[0] {
		t.Fatalf("catalog /AF %v and /Names /EmbeddedFiles %v do not both name one factur-x.xml", af, names)
	}
	spec := dictOf(t, objs, af[0].(string))
	for k, v := range map[string]string{
		"/Type": "/Filespec", "/F": "u:factur-x.xml", "/UF": "u:factur-x.xml", "/AFRelationship": "/Alternative",
	} {
		if spec[k] != v {
			t.Errorf("file specification %s = %v, want %s", k, spec[k], v)
		}
	}
	if d, _ := spec["/Desc"].(string); d == "" {
		t.Error("file specification has no /Desc")
	}
	file := dictOf(t, objs, spec["/EF"].(map[string]any)["/F"].(string))
	params, _ := file["/Params"].(map[string]any)
	if file["/Type"] != "/EmbeddedFile" || file["/Subtype"] != "/text/xml" ||
		params["/ModDate"] != "u:D:20261201000000+00'00'" || params["/Size"] != float64(len(ciiExample(t))) {
		t.Errorf("embedded file dictionary %v", file)
	}

	md := dictOf(t, objs, catalog["/Metadata"].(string))
	if md["/Type"] != "/Metadata" || md["/Subtype"] != "/XML" || md["/Filter"] != nil {
		t.Errorf("metadata stream dictionary %v, want an unfiltered /Metadata /XML", md)
	}

	intents, _ := catalog["/OutputIntents"].([]any)
	if len(intents) != 1 {
		t.Fatalf("catalog /OutputIntents = %v, want one", catalog["/OutputIntents"])
	}
	oi := intents[0].(map[string]any)
	if oi["/S"] != "/GTS_PDFA1" || oi["/OutputConditionIdentifier"] == nil {
		t.Errorf("output intent %v", oi)
	}
	profileRef := oi["/DestOutputProfile"].(string)
	if p := dictOf(t, objs, profileRef); p["/N"] != float64(3) {
		t.Errorf("output profile dictionary %v, want /N 3", p)
	}
	num := strings.Fields(profileRef)[0]
	profile := run(t, "qpdf", "--show-object="+num, "--filtered-stream-data", path)
	if !bytes.Equal([]byte(profile), srgbProfile()) {
		t.Error("the output intent's profile is not the sRGB profile")
	}
	parseICC(t, []byte(profile))
}
