package ccaas

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDetect(t *testing.T) {
	tests := map[string]struct {
		metadata string
		want     bool
		wantErr  bool
	}{
		"ccaas package is detected":             {`{"type":"ccaas","label":"x"}`, true, false},
		"type is case insensitive":              {`{"type":"CCaaS"}`, true, false},
		"golang package is left to other tools": {`{"type":"golang"}`, false, false},
		"broken metadata is an error":           {`{`, false, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "metadata.json"), tc.metadata)
			got, err := Detect(dir)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("Detect = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestBuildAndRelease(t *testing.T) {
	tlsDir := t.TempDir()
	writeFile(t, filepath.Join(tlsDir, "ca.crt"), "ROOT PEM")
	tests := map[string]struct {
		connection string
		config     string
		wantErr    string
		check      func(t *testing.T, c Connection)
	}{
		"templates take values from the builder config": {
			connection: `{"address":"cc.{{.ccdomain}}:9999","dial_timeout":"10s","tls_required":false}`,
			config:     `{"ccdomain":"jp.example"}`,
			check: func(t *testing.T, c Connection) {
				if c.Address != "cc.jp.example:9999" || c.DialTimeout != "10s" {
					t.Fatalf("got %+v", c)
				}
			},
		},
		"file function reads TLS material and domain is kept": {
			connection: `{"address":"a:1","domain":"cc.example","tls_required":true,"root_cert":"{{file (printf \"%s/ca.crt\" .tlsdir)}}"}`,
			config:     `{"tlsdir":"` + tlsDir + `"}`,
			check: func(t *testing.T, c Connection) {
				if c.RootCert != "ROOT PEM" || c.Domain != "cc.example" || !c.TLSRequired {
					t.Fatalf("got %+v", c)
				}
			},
		},
		"missing template key is an error": {
			connection: `{"address":"{{.nope}}:1"}`,
			config:     `{}`,
			wantErr:    "nope",
		},
		"empty address is an error": {
			connection: `{"address":""}`,
			wantErr:    "address is empty",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			src, meta, out, rel := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
			writeFile(t, filepath.Join(meta, "metadata.json"), `{"type":"ccaas"}`)
			writeFile(t, filepath.Join(src, "connection.json"), tc.connection)
			writeFile(t, filepath.Join(src, "META-INF", "statedb", "couchdb", "indexes", "i.json"), `{}`)
			err := Build(src, meta, out, tc.config)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Build error = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := Release(out, rel); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(rel, "chaincode", "server", "connection.json"))
			if err != nil {
				t.Fatal(err)
			}
			var c Connection
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
			if _, err := os.Stat(filepath.Join(rel, "statedb", "couchdb", "indexes", "i.json")); err != nil {
				t.Fatalf("state DB metadata not released: %v", err)
			}
		})
	}
}
