// Package ccaas implements Fabric's external-builder contract (detect, build, release) for chaincode that
// runs as a service: the package carries only connection.json, whose string fields are Go templates filled
// from the peer's CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG JSON. Besides the stock builder's behaviour it keeps
// the "domain" field and offers a `file` template function, so TLS material is read from the peer's own
// files instead of being pasted into environment variables.
package ccaas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// ConfigEnv is the peer environment variable (propagated to builders by core.yaml) holding template data.
const ConfigEnv = "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"

// Connection is the peer's view of connection.json (core/container/externalbuilder ChaincodeServerUserData).
type Connection struct {
	Address            string `json:"address"`
	Domain             string `json:"domain,omitempty"`
	DialTimeout        string `json:"dial_timeout,omitempty"`
	TLSRequired        bool   `json:"tls_required"`
	ClientAuthRequired bool   `json:"client_auth_required"`
	RootCert           string `json:"root_cert,omitempty"`
	ClientKey          string `json:"client_key,omitempty"`
	ClientCert         string `json:"client_cert,omitempty"`
}

type metadata struct {
	Type string `json:"type"`
}

// Detect reports whether the package in metadataDir is a chaincode-as-a-service package.
func Detect(metadataDir string) (bool, error) {
	raw, err := os.ReadFile(filepath.Join(metadataDir, "metadata.json"))
	if err != nil {
		return false, err
	}
	var md metadata
	if err := json.Unmarshal(raw, &md); err != nil {
		return false, fmt.Errorf("metadata.json: %w", err)
	}
	return strings.EqualFold(md.Type, "ccaas"), nil
}

// Build renders connection.json from sourceDir into outputDir and copies META-INF (state DB indexes).
func Build(sourceDir, metadataDir, outputDir string, configJSON string) error {
	ok, err := Detect(metadataDir)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("package type is not ccaas")
	}
	raw, err := os.ReadFile(filepath.Join(sourceDir, "connection.json"))
	if err != nil {
		return fmt.Errorf("package has no connection.json: %w", err)
	}
	var conn Connection
	if err := json.Unmarshal(raw, &conn); err != nil {
		return fmt.Errorf("connection.json: %w", err)
	}
	data := map[string]any{}
	if configJSON != "" {
		if err := json.Unmarshal([]byte(configJSON), &data); err != nil {
			return fmt.Errorf("%s is not a JSON object: %w", ConfigEnv, err)
		}
	}
	if err := render(&conn, data); err != nil {
		return err
	}
	if conn.Address == "" {
		return errors.New("connection.json: address is empty")
	}
	out, err := json.Marshal(conn)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outputDir, 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outputDir, "connection.json"), out, 0o600); err != nil {
		return err
	}
	return copyTree(filepath.Join(sourceDir, "META-INF"), filepath.Join(outputDir, "META-INF"))
}

// Release places the rendered connection.json where the peer looks for chaincode server information.
func Release(outputDir, releaseDir string) error {
	raw, err := os.ReadFile(filepath.Join(outputDir, "connection.json"))
	if err != nil {
		return fmt.Errorf("build output has no connection.json: %w", err)
	}
	serverDir := filepath.Join(releaseDir, "chaincode", "server")
	if err := os.MkdirAll(serverDir, 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(serverDir, "connection.json"), raw, 0o600); err != nil {
		return err
	}
	return copyTree(filepath.Join(outputDir, "META-INF", "statedb"), filepath.Join(releaseDir, "statedb"))
}

func render(conn *Connection, data map[string]any) error {
	fields := []struct {
		name  string
		value *string
	}{
		{"address", &conn.Address}, {"domain", &conn.Domain}, {"dial_timeout", &conn.DialTimeout},
		{"root_cert", &conn.RootCert}, {"client_key", &conn.ClientKey}, {"client_cert", &conn.ClientCert},
	}
	funcs := template.FuncMap{"file": func(path string) (string, error) {
		b, err := os.ReadFile(path)
		return string(b), err
	}}
	for _, f := range fields {
		tmpl, err := template.New(f.name).Option("missingkey=error").Funcs(funcs).Parse(*f.value)
		if err != nil {
			return fmt.Errorf("connection.json %s: %w", f.name, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			return fmt.Errorf("connection.json %s: %w", f.name, err)
		}
		*f.value = buf.String()
	}
	return nil
}

// copyTree copies regular files below src into dst; a missing src is not an error (META-INF is optional).
func copyTree(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o640)
	})
}
