package frontend

import (
	"bytes"
	"io"
	"io/fs"
	"time"
)

// memFile is one in-memory file, enough for http.FileServer and fs.ReadFile.
type memFile struct {
	name string
	data []byte
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f}, nil }

func (f *memFile) Read(p []byte) (int, error) {
	if f.r == nil {
		f.r = bytes.NewReader(f.data)
	}
	return f.r.Read(p)
}

func (f *memFile) Seek(off int64, whence int) (int64, error) {
	if f.r == nil {
		f.r = bytes.NewReader(f.data)
	}
	return f.r.Seek(off, whence)
}

func (f *memFile) Close() error { return nil }

var _ io.ReadSeeker = (*memFile)(nil)

type memInfo struct{ f *memFile }

func (i memInfo) Name() string       { return i.f.name }
func (i memInfo) Size() int64        { return int64(len(i.f.data)) }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
