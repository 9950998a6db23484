package library

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Store errors the upload handler maps to API codes.
var (
	ErrHashMismatch = errors.New("the content does not hash to the given SHA-256")
	ErrTooLarge     = errors.New("the content exceeds the size limit")
	// ErrIncompleteUpload: reading the content failed (client gone, body cut short), not the store.
	ErrIncompleteUpload = errors.New("the upload could not be read to its end")
	errBadDigest        = errors.New("not a lowercase hex SHA-256")
)

// Store keeps documents content-addressed under <root>/blobs/<first two hex>/<64 hex>. Uploads are written
// to <root>/tmp first, so a blob path only ever shows complete, verified content.
type Store struct {
	root string
}

// OpenStore creates the layout if needed and removes temp files a previous run left behind.
func OpenStore(root string) (*Store, error) {
	s := &Store{root: root}
	for _, dir := range []string{root, s.blobsDir(), s.tmpDir()} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	stale, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	for _, e := range stale {
		if err := os.RemoveAll(filepath.Join(s.tmpDir(), e.Name())); err != nil {
			return nil, fmt.Errorf("store: removing stale upload: %w", err)
		}
	}
	return s, nil
}

func (s *Store) blobsDir() string { return filepath.Join(s.root, "blobs") }
func (s *Store) tmpDir() string   { return filepath.Join(s.root, "tmp") }

// blobPath is the only place a file name is derived from request data, and only from a validated digest.
func (s *Store) blobPath(digest string) (string, error) {
	if !validDigest(digest) {
		return "", errBadDigest
	}
	return filepath.Join(s.blobsDir(), digest[:2], digest), nil
}

// Stat returns the size of a stored blob; fs.ErrNotExist when absent.
func (s *Store) Stat(digest string) (int64, error) {
	p, err := s.blobPath(digest)
	if err != nil {
		return 0, err
	}
	info, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// Open opens a stored blob for reading; fs.ErrNotExist when absent.
func (s *Store) Open(digest string) (*os.File, error) {
	p, err := s.blobPath(digest)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// CheckWritable proves the store accepts new files (health check).
func (s *Store) CheckWritable() error {
	f, err := os.CreateTemp(s.tmpDir(), "health-*")
	if err != nil {
		return err
	}
	return errors.Join(f.Close(), os.Remove(f.Name()))
}

// Put streams content into the store, hashing while writing, and publishes it under digest only when the
// hash matches and the size stayed within limit. created is false when the blob was already there
// (content addressing makes concurrent identical uploads harmless: the first link wins, the rest agree).
func (s *Store) Put(digest string, content io.Reader, limit int64) (size int64, created bool, err error) {
	final, err := s.blobPath(digest)
	if err != nil {
		return 0, false, err
	}
	tmp, err := os.CreateTemp(s.tmpDir(), "upload-*") // mode 0600
	if err != nil {
		return 0, false, err
	}
	defer func() {
		// The temp name never outlives Put: on success it has become a link under blobs/.
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	h := sha256.New()
	// One byte over the limit is enough to know it was exceeded, without reading the rest.
	src := &readErrors{r: io.LimitReader(content, limit+1)}
	size, err = io.Copy(io.MultiWriter(tmp, h), src)
	if src.err != nil {
		return size, false, fmt.Errorf("%w: %w", ErrIncompleteUpload, src.err)
	}
	if err != nil {
		return size, false, err
	}
	if size > limit {
		return size, false, ErrTooLarge
	}
	if hex.EncodeToString(h.Sum(nil)) != digest {
		return size, false, ErrHashMismatch
	}
	if err := tmp.Sync(); err != nil {
		return size, false, err
	}
	if err := tmp.Close(); err != nil {
		return size, false, err
	}
	created, err = s.publish(tmp.Name(), final)
	return size, created, err
}

// publish makes the complete temp file visible under its final name and makes that durable. A hard link
// never replaces an existing blob, which keeps "already stored" exact under concurrent uploads.
func (s *Store) publish(tmpPath, final string) (bool, error) {
	shard := filepath.Dir(final)
	if err := os.Mkdir(shard, 0o700); err == nil {
		if err := syncDir(s.blobsDir()); err != nil {
			return false, err
		}
	} else if !errors.Is(err, fs.ErrExist) {
		return false, err
	}
	err := os.Link(tmpPath, final)
	switch {
	case errors.Is(err, fs.ErrExist):
		return false, nil
	case err != nil:
		// File systems without hard links: an atomic rename over identical content is just as safe.
		if err := os.Rename(tmpPath, final); err != nil {
			return false, err
		}
	}
	return true, syncDir(shard)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// readErrors remembers a read failure so Put can tell a broken upload from a failing disk.
type readErrors struct {
	r   io.Reader
	err error
}

func (e *readErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}
