package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func confidentialJSON(t testing.TB) string {
	return toJSON(t, confidentialInput{
		Salt: saltHex, Title: "Widget with sprocket",
		Applicants: []Applicant{{Name: "Yamada Taro", CountryCode: "JP"}},
		Contact:    Contact{Name: "Patent Firm", Email: "ip@firm.example"},
	})
}

func TestSetFilingConfidentialStoresOnlyAHashPublicly(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	var f FirstFiling
	decode(t, h.mustWith(jpMSP, opts{transient: map[string]string{"confidential": confidentialJSON(t)}}, "SetFilingConfidential", id), &f)
	h.lastEventOf("FirstFilingConfidentialUpdated")

	key := h.compositeKey(kindConfidential, "JP", "PATENT", "2024012345")
	stored := h.ledger.private["_implicit_org_JPMSP"][key]
	if stored == nil {
		t.Fatal("confidential data not in JP's implicit collection")
	}
	sum := sha256.Sum256(stored)
	if f.ConfidentialHash != hex.EncodeToString(sum[:]) {
		t.Fatalf("confidentialHash %s is not the hash of the private value", f.ConfidentialHash)
	}
	for k, v := range h.ledger.state {
		if strings.Contains(string(v), "Yamada") || strings.Contains(string(v), "firm.example") {
			t.Fatalf("private data leaked into public key %q", k)
		}
	}
	if len(h.ledger.private) != 1 {
		t.Fatalf("private data written to %d collections", len(h.ledger.private))
	}

	t.Run("the hash is the owner's commitment, not part of the majority-endorsed filing", func(t *testing.T) {
		h := h.sub(t)
		var stored FirstFiling
		decode(t, string(h.ledger.state[h.compositeKey(kindFiling, "JP", "PATENT", "2024012345")]), &stored)
		if stored.ConfidentialHash != "" || stored.UpdatedAt == f.UpdatedAt {
			t.Fatalf("the confidential data changed the public filing: %+v", stored)
		}
		var c confidentialCommitment
		decode(t, string(h.ledger.state[h.compositeKey(kindConfidentialHash, "JP", "PATENT", "2024012345")]), &c)
		if c.ConfidentialHash != f.ConfidentialHash || c.UpdatedAt != f.UpdatedAt {
			t.Fatalf("commitment %+v, filing %+v", c, f)
		}
		var got FirstFiling
		decode(t, h.must(krMSP, "GetFirstFiling", id), &got)
		if got != f {
			t.Fatalf("every view shows the commitment:\n got %+v\nwant %+v", got, f)
		}
		var hist page[HistoryEntry]
		decode(t, h.must(krMSP, "GetRecordHistory", "confidentialHash", id, "", ""), &hist)
		if len(hist.Records) != 2 {
			t.Fatalf("the commitment's history: %+v", hist)
		}
	})
	t.Run("every peer can check the public hash against the ledger", func(t *testing.T) {
		h := h.sub(t)
		var r ConfidentialIntegrity
		decode(t, h.must(krMSP, "CheckConfidentialIntegrity", id), &r)
		if !r.Match || r.PrivateDataHash != f.ConfidentialHash {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("the owner reads its confidential record", func(t *testing.T) {
		h := h.sub(t)
		var rec FilingConfidential
		decode(t, h.must(jpMSP, "GetFilingConfidential", id), &rec)
		if rec.FilingID != id || rec.Applicants[0].Name != "Yamada Taro" || rec.Salt != saltHex {
			t.Fatalf("%+v", rec)
		}
	})
	t.Run("another office is not authorised to read it", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.NotAuthorized, usMSP, opts{}, "GetFilingConfidential", id)
	})
	t.Run("a peer outside the collection has nothing to return", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.NotFound, jpMSP, opts{peer: usMSP}, "GetFilingConfidential", id)
	})
}

func TestConfidentialValidation(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	mk := func(mut func(*confidentialInput)) map[string]string {
		in := confidentialInput{Salt: saltHex, Title: "T", Applicants: []Applicant{{Name: "A"}}}
		mut(&in)
		return map[string]string{"confidential": toJSON(t, in)}
	}
	tests := map[string]struct {
		transient map[string]string
		code      errs.Code
	}{
		"no transient data":             {transient: nil, code: errs.InvalidArgument},
		"an extra transient key":        {transient: map[string]string{"confidential": "{}", "other": "x"}, code: errs.InvalidArgument},
		"a short salt":                  {transient: mk(func(i *confidentialInput) { i.Salt = "abcd" }), code: errs.InvalidArgument},
		"no applicant":                  {transient: mk(func(i *confidentialInput) { i.Applicants = nil }), code: errs.InvalidArgument},
		"an empty applicant name":       {transient: mk(func(i *confidentialInput) { i.Applicants = []Applicant{{}} }), code: errs.InvalidArgument},
		"an invalid applicant country":  {transient: mk(func(i *confidentialInput) { i.Applicants[0].CountryCode = "J1" }), code: errs.InvalidOfficeCode},
		"an empty title":                {transient: mk(func(i *confidentialInput) { i.Title = "" }), code: errs.InvalidArgument},
		"a malformed e-mail":            {transient: mk(func(i *confidentialInput) { i.Contact.Email = "nobody" }), code: errs.InvalidArgument},
		"a contact name with a newline": {transient: mk(func(i *confidentialInput) { i.Contact.Name = "a\nb" }), code: errs.InvalidArgument},
		"not JSON":                      {transient: map[string]string{"confidential": "applicant=Yamada"}, code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			msg := h.expectCode(tc.code, jpMSP, opts{transient: tc.transient}, "SetFilingConfidential", id)
			if strings.Contains(msg, "Yamada") {
				t.Fatalf("error echoes private input: %s", msg)
			}
		})
	}
	t.Run("another office cannot set it", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.NotAuthorized, usMSP, opts{transient: mk(func(*confidentialInput) {})}, "SetFilingConfidential", id)
	})
	t.Run("a filing without a commitment never sends its data to other peers", func(t *testing.T) {
		h := h.sub(t)
		// As deposited by a version before the commitment key: creating it
		// now would need the chaincode MAJORITY, i.e. other offices' peers.
		key := h.compositeKey(kindConfidentialHash, "JP", "PATENT", "2024012345")
		saved := h.ledger.state[key]
		t.Cleanup(func() { h.ledger.state[key] = saved })
		delete(h.ledger.state, key)
		h.expectCode(errs.InvalidTransition, jpMSP, opts{transient: mk(func(*confidentialInput) {})}, "SetFilingConfidential", id)
	})
	t.Run("without confidential data the integrity check does not match", func(t *testing.T) {
		h := h.sub(t)
		var r ConfidentialIntegrity
		decode(t, h.must(usMSP, "CheckConfidentialIntegrity", id), &r)
		if r.Match || r.ConfidentialHash != "" {
			t.Fatalf("%+v", r)
		}
	})
}

func TestSetAccessCodeKeepsOnlyASaltedHash(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	h.setCode(jpMSP, id, "ab21")
	h.lastEventOf("AccessCodeChanged")
	var a AccessRecord
	decode(t, h.must(usMSP, "GetAccessRecord", id), &a)
	if !a.AccessCodeSet || a.AccessCodeVersion != 1 {
		t.Fatalf("%+v", a)
	}
	key := h.compositeKey(kindAccessCode, "JP", "PATENT", "2024012345")
	var rec accessCodeRecord
	decode(t, string(h.ledger.private["_implicit_org_JPMSP"][key]), &rec)
	if rec.CodeHash != hashAccessCode(saltHex, "AB21") || rec.CodeVersion != 1 {
		t.Fatalf("%+v", rec)
	}
	for _, v := range h.ledger.state {
		if strings.Contains(strings.ToUpper(string(v)), "AB21") {
			t.Fatal("access code visible in public state")
		}
	}
	if strings.Contains(strings.ToUpper(string(h.ledger.private["_implicit_org_JPMSP"][key])), "AB21") {
		t.Fatal("access code stored in clear in private data")
	}
	h.setCode(jpMSP, id, "CAFE0123")
	decode(t, h.must(usMSP, "GetAccessRecord", id), &a)
	if a.AccessCodeVersion != 2 {
		t.Fatalf("%+v", a)
	}
	for name, code := range map[string]string{"a three-digit code": "AB2", "a non-hex code": "GHIJ"} {
		t.Run(name+" is rejected", func(t *testing.T) {
			h := h.sub(t)
			h.expectCode(errs.InvalidArgument, jpMSP, opts{transient: map[string]string{"accessCode": toJSON(t, accessCodeInput{AccessCode: code, Salt: saltHex})}}, "SetAccessCode", id)
		})
	}
	t.Run("a short salt is rejected", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidArgument, jpMSP, opts{transient: map[string]string{"accessCode": toJSON(t, accessCodeInput{AccessCode: "AB21", Salt: "00"})}}, "SetAccessCode", id)
	})
	t.Run("another office cannot set it", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.NotAuthorized, krMSP, opts{transient: map[string]string{"accessCode": toJSON(t, accessCodeInput{AccessCode: "AB21", Salt: saltHex})}}, "SetAccessCode", id)
	})
}
