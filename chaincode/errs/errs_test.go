package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorFormatting(t *testing.T) {
	tests := map[string]struct {
		err      error
		wantText string
		wantCode Code
	}{
		"a coded error renders as CODE colon message": {
			err:      New(NotFound, "first filing %s does not exist", "JP:PATENT:1"),
			wantText: "NOT_FOUND: first filing JP:PATENT:1 does not exist",
			wantCode: NotFound,
		},
		"a wrapped coded error keeps its code": {
			err:      fmt.Errorf("context: %w", New(AccessLocked, "locked")),
			wantText: "context: ACCESS_LOCKED: locked",
			wantCode: AccessLocked,
		},
		"an uncoded error is reported as internal": {
			err:      errors.New("boom"),
			wantText: "boom",
			wantCode: Internal,
		},
		"internal errors carry the internal code": {
			err:      Internalf("put %s", "k"),
			wantText: "INTERNAL: put k",
			wantCode: Internal,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.wantText {
				t.Errorf("text = %q, want %q", got, tc.wantText)
			}
			if got := CodeOf(tc.err); got != tc.wantCode {
				t.Errorf("code = %q, want %q", got, tc.wantCode)
			}
			if !Is(tc.err, tc.wantCode) {
				t.Errorf("Is(%q) = false", tc.wantCode)
			}
		})
	}
}

func TestCodeOfNilIsEmpty(t *testing.T) {
	if got := CodeOf(nil); got != "" {
		t.Fatalf("CodeOf(nil) = %q, want empty", got)
	}
}
