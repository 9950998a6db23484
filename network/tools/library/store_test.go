package library

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenStoreRemovesStaleUploads(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenStore(dir); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "tmp", "upload-123")
	if err := os.WriteFile(stale, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenStore(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temp file survived start-up: %v", err)
	}
}

func TestStorePut(t *testing.T) {
	content := []byte("content")
	tests := []struct {
		name    string
		digest  string
		limit   int64
		body    func() *failingOrBytes
		wantErr error
	}{
		{"stored", digestOf(content), 100, plain(content), nil},
		{"exactly at the limit", digestOf(content), int64(len(content)), plain(content), nil},
		{"one byte over", digestOf(content), int64(len(content)) - 1, plain(content), ErrTooLarge},
		{"wrong hash", digestOf([]byte("other")), 100, plain(content), ErrHashMismatch},
		{"reader fails", digestOf(content), 100, func() *failingOrBytes { return &failingOrBytes{fail: true} }, ErrIncompleteUpload},
		{"digest that is a path", "../../../../etc/passwd", 100, plain(content), errBadDigest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := OpenStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			_, created, err := s.Put(tc.digest, tc.body(), tc.limit)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Put error = %v, want %v", err, tc.wantErr)
			}
			if created != (tc.wantErr == nil) {
				t.Errorf("created = %v", created)
			}
			tmp, _ := os.ReadDir(filepath.Join(s.root, "tmp"))
			if len(tmp) != 0 {
				t.Errorf("temp files left: %v", tmp)
			}
			if tc.wantErr != nil {
				blobs, _ := os.ReadDir(filepath.Join(s.root, "blobs"))
				if len(blobs) != 0 {
					t.Errorf("something was published: %v", blobs)
				}
			}
		})
	}
}

func TestStorePutExistingKeepsTheFirst(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("content")
	for i, wantCreated := range []bool{true, false} {
		if _, created, err := s.Put(digestOf(content), bytes.NewReader(content), 100); err != nil || created != wantCreated {
			t.Fatalf("Put #%d = %v, %v; want created %v", i+1, created, err, wantCreated)
		}
	}
}

// failingOrBytes is a reader that either yields content or fails immediately.
type failingOrBytes struct {
	*bytes.Reader
	fail bool
}

func (f *failingOrBytes) Read(p []byte) (int, error) {
	if f.fail {
		return 0, errors.New("connection reset")
	}
	return f.Reader.Read(p)
}

func plain(b []byte) func() *failingOrBytes {
	return func() *failingOrBytes { return &failingOrBytes{Reader: bytes.NewReader(b)} }
}
