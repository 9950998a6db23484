// Command ccaas-builder is installed three times, as bin/detect, bin/build and bin/release, in the peer's
// external builder directory; the name it is called by selects the phase, as Fabric's builder contract expects.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"ipledger/network/tools/ccaas"
)

func main() {
	phase := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if err := run(phase, args); err != nil {
		fmt.Fprintf(os.Stderr, "ccaas %s: %v\n", phase, err)
		os.Exit(1)
	}
}

func run(phase string, args []string) error {
	switch phase {
	case "detect":
		if len(args) != 2 {
			return fmt.Errorf("usage: detect SOURCE_DIR METADATA_DIR")
		}
		ok, err := ccaas.Detect(args[1])
		if err != nil {
			return err
		}
		if !ok {
			os.Exit(1) // not ours: the peer tries the next builder
		}
		return nil
	case "build":
		if len(args) != 3 {
			return fmt.Errorf("usage: build SOURCE_DIR METADATA_DIR OUTPUT_DIR")
		}
		return ccaas.Build(args[0], args[1], args[2], os.Getenv(ccaas.ConfigEnv))
	case "release":
		if len(args) != 2 {
			return fmt.Errorf("usage: release OUTPUT_DIR RELEASE_DIR")
		}
		return ccaas.Release(args[0], args[1])
	default:
		return fmt.Errorf("unknown phase %q: install this program as detect, build and release", phase)
	}
}
