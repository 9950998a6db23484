package contract

import (
	"slices"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

type claimSpec struct {
	laterRight, laterNumber, laterDate  string
	seq                                 int
	prOffice, prRight, prNumber, prDate string
}

func claimJSON(t testing.TB, c claimSpec) string {
	if c.seq == 0 {
		c.seq = 1
	}
	return toJSON(t, claimInput{
		LaterApplication: laterInput{ApplicationNumber: c.laterNumber, IPRight: c.laterRight, FilingDate: c.laterDate},
		SequenceNumber:   c.seq,
		Priority:         priorityInput{OfficeCode: c.prOffice, ApplicationNumber: c.prNumber, IPRight: c.prRight, FilingDate: c.prDate},
	})
}

func (h *harness) record(msp string, c claimSpec) RecordedClaim {
	h.t.Helper()
	var r RecordedClaim
	decode(h.t, h.must(msp, "RecordPriorityClaim", claimJSON(h.t, c)), &r)
	return r
}

func TestWorkedExamplesThroughTheContract(t *testing.T) {
	h := newHarness(t)
	h.clock = h.clock.AddDate(1, 0, 0) // 2026: every later date is in the past
	h.initConsortium()
	tests := map[string]struct {
		right, prDate, end string
		months             int
	}{
		"a patent of 15 March 2024 runs to Monday 17 March 2025": {"PATENT", "2024-03-15", "2025-03-17", 12},
		"a leap-day patent runs to Friday 28 February 2025":      {"PATENT", "2024-02-29", "2025-02-28", 12},
		"a design of 31 August 2023 runs to 29 February 2024":    {"INDUSTRIAL_DESIGN", "2023-08-31", "2024-02-29", 6},
		"a trademark of 31 August 2025 runs to 2 March 2026":     {"TRADEMARK", "2025-08-31", "2026-03-02", 6},
		"a patent of 28 June 2024 runs to Monday 30 June 2025":   {"PATENT", "2024-06-28", "2025-06-30", 12},
	}
	seq := 0
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			seq++
			var d PriorityDeadline
			decode(t, h.must(krMSP, "ComputePriorityDeadline", "KR", tc.right, tc.prDate, tc.right), &d)
			if d.PeriodEnd != tc.end || d.PeriodMonths != tc.months {
				t.Fatalf("deadline %+v", d)
			}
			// Filing on the last day is in time, one day later is late.
			r := h.record(krMSP, claimSpec{laterRight: tc.right, laterNumber: "KR 10-2025-00000" + string(rune('0'+seq)), laterDate: tc.end,
				prOffice: "CN", prRight: tc.right, prNumber: "CN 2024" + string(rune('0'+seq)), prDate: tc.prDate})
			if r.Claim.Timeliness != "IN_TIME" || r.Claim.PeriodEnd != tc.end {
				t.Fatalf("claim %+v", r.Claim)
			}
		})
	}
}

func TestClaimOnALedgerFilingIsLinkedAndInTime(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	id := h.depositJP()
	r := h.record(usMSP, claimSpec{laterRight: "PATENT", laterNumber: "US 25/123,456", laterDate: "2025-03-17",
		prOffice: "JP", prRight: "PATENT", prNumber: "JP2024012345", prDate: "2024-03-15"})
	c := r.Claim
	if c.ID != "US:PATENT:25123456:1" || c.FirstFilingID != id || c.Timeliness != "IN_TIME" || c.Status != "RECORDED" ||
		c.NominalPeriodEnd != "2025-03-15" || c.PeriodEnd != "2025-03-17" || c.RestorationEnd != "2025-05-19" ||
		!c.RestorationAvailable || len(c.Warnings) != 0 || r.EarliestPriorityDate != "2024-03-15" {
		t.Fatalf("%+v / %s", c, r.EarliestPriorityDate)
	}
	_, e := h.lastEventOf("PriorityClaimRecorded")
	if e.SubjectOffice != "JP" || e.RecordID != c.ID {
		t.Fatalf("%+v", e)
	}
	if p := h.policyOf(h.compositeKey(kindClaim, "US", "PATENT", "25123456", "001")); p != "AND(USMSP, 2 of [EPMSP, JPMSP, KRMSP])" {
		t.Fatalf("claim SBE %s", p)
	}
	var list page[PriorityClaim]
	decode(t, h.must(jpMSP, "ListClaimsOnFirstFiling", "JP", "PATENT", "JP 2024-012345", "", ""), &list)
	if len(list.Records) != 1 || list.Records[0].ID != c.ID {
		t.Fatalf("%+v", list)
	}
}

func TestLateClaimsAndRestoration(t *testing.T) {
	h := newHarness(t)
	h.clock = h.clock.AddDate(0, 3, 0) // 2025-06
	h.initConsortium()
	h.depositJP()
	late := claimSpec{laterRight: "PATENT", laterNumber: "US 25/123,456", laterDate: "2025-03-18",
		prOffice: "JP", prRight: "PATENT", prNumber: "JP 2024-012345", prDate: "2024-03-15"}
	c := h.record(usMSP, late).Claim
	if c.Timeliness != "LATE_RESTORABLE" {
		t.Fatalf("%+v", c)
	}
	t.Run("a claim after the restoration window has expired", func(t *testing.T) {
		h := h.sub(t)
		x := late
		x.laterNumber, x.laterDate = "US 25/123,457", "2025-05-20"
		h.expectCode(errs.PriorityPeriodExpired, usMSP, opts{}, "RecordPriorityClaim", claimJSON(t, x))
	})
	t.Run("restoration cannot be requested on an unknown criterion", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidArgument, usMSP, opts{}, "RequestRestoration", c.ID, "NEGLIGENCE", "2025-04-01")
	})
	t.Run("a request after the restoration end is refused", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.RestorationNotAvailable, usMSP, opts{}, "RequestRestoration", c.ID, "DUE_CARE", "2025-05-20")
	})
	t.Run("a request before the later filing is an invalid date", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidDate, usMSP, opts{}, "RequestRestoration", c.ID, "DUE_CARE", "2025-03-01")
	})
	t.Run("only the OSF handles restoration", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.NotAuthorized, jpMSP, opts{}, "RequestRestoration", c.ID, "DUE_CARE", "2025-04-01")
	})
	t.Run("a decision needs a request first", func(t *testing.T) {
		h := h.sub(t)
		h.expectCode(errs.InvalidTransition, usMSP, opts{}, "DecideRestoration", c.ID, "GRANTED")
	})
	var got PriorityClaim
	decode(t, h.must(usMSP, "RequestRestoration", c.ID, "UNINTENTIONAL", "2025-04-01"), &got)
	if got.Status != "RESTORATION_REQUESTED" || got.Restoration.Criterion != "UNINTENTIONAL" || got.Restoration.RequestDate != "2025-04-01" {
		t.Fatalf("%+v", got)
	}
	_, e := h.lastEventOf("PriorityClaimChanged")
	if e.Status != "RESTORATION_REQUESTED" {
		t.Fatalf("%+v", e)
	}
	h.expectCode(errs.InvalidTransition, usMSP, opts{}, "RequestRestoration", c.ID, "DUE_CARE", "2025-04-02")
	h.expectCode(errs.InvalidArgument, usMSP, opts{}, "DecideRestoration", c.ID, "MAYBE")
	decode(t, h.must(usMSP, "DecideRestoration", c.ID, "GRANTED"), &got)
	if got.Status != "RESTORED" || got.Restoration.Decision != "GRANTED" {
		t.Fatalf("%+v", got)
	}
	decode(t, h.must(usMSP, "WithdrawPriorityClaim", c.ID), &got)
	if got.Status != "WITHDRAWN" {
		t.Fatalf("%+v", got)
	}
	h.expectCode(errs.InvalidTransition, usMSP, opts{}, "WithdrawPriorityClaim", c.ID)

	t.Run("an in-time claim has nothing to restore", func(t *testing.T) {
		h := h.sub(t)
		x := late
		x.laterNumber, x.laterDate = "US 25/200,000", "2025-03-17"
		c := h.record(usMSP, x).Claim
		h.expectCode(errs.InvalidTransition, usMSP, opts{}, "RequestRestoration", c.ID, "DUE_CARE", "2025-03-17")
	})
}

func TestRestorationPolicyOfTheOSF(t *testing.T) {
	h := newHarness(t)
	h.clock = h.clock.AddDate(1, 0, 0)
	h.initConsortium()
	tm := claimSpec{laterRight: "TRADEMARK", laterNumber: "US 90000001", laterDate: "2026-03-02",
		prOffice: "EM", prRight: "TRADEMARK", prNumber: "018000001", prDate: "2025-08-31"}
	t.Run("a trademark filed on the extended last day is in time", func(t *testing.T) {
		h := h.sub(t)
		if c := h.record(usMSP, tm).Claim; c.Timeliness != "IN_TIME" || c.RestorationAvailable || c.RestorationEnd != "" ||
			!slices.Equal(c.Warnings, []string{"EXTERNAL_OFFICE"}) {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("a day late without trademark restoration is refused", func(t *testing.T) {
		h := h.sub(t)
		x := tm
		x.laterNumber, x.laterDate = "US 90000002", "2026-03-03"
		h.expectCode(errs.RestorationNotAvailable, usMSP, opts{}, "RecordPriorityClaim", claimJSON(t, x))
	})
	t.Run("once the OSF restores trademarks the same claim is restorable", func(t *testing.T) {
		h := h.sub(t)
		h.must(usMSP, "UpdateOfficeSettings", `{"calendar":{"closedWeekdays":["SATURDAY","SUNDAY"],"closedDates":[]},"applicationNumberPatterns":[],"restorationPolicy":[{"ipRight":"TRADEMARK","allowed":true,"criteria":["DUE_CARE"]}]}`)
		x := tm
		x.laterNumber, x.laterDate = "US 90000002", "2026-03-03"
		c := h.record(usMSP, x).Claim
		if c.Timeliness != "LATE_RESTORABLE" || c.RestorationEnd != "2026-05-04" {
			t.Fatalf("%+v", c)
		}
		h.expectCode(errs.RestorationNotAvailable, usMSP, opts{}, "RequestRestoration", c.ID, "UNINTENTIONAL", "2026-03-03")
	})
}

func TestTheOSFCalendarDecidesTheExtension(t *testing.T) {
	h := newHarness(t)
	h.clock = h.clock.AddDate(1, 0, 0)
	h.initConsortium()
	h.must(usMSP, "UpdateOfficeSettings", `{"calendar":{"closedWeekdays":["SATURDAY","SUNDAY"],"closedDates":["2025-06-30"]},"applicationNumberPatterns":[],"restorationPolicy":[]}`)
	var us, ep PriorityDeadline
	decode(t, h.must(jpMSP, "ComputePriorityDeadline", "US", "PATENT", "2024-06-28", "PATENT"), &us)
	decode(t, h.must(jpMSP, "ComputePriorityDeadline", "EP", "PATENT", "2024-06-28", "PATENT"), &ep)
	if us.PeriodEnd != "2025-07-01" || ep.PeriodEnd != "2025-06-30" || us.NominalPeriodEnd != "2025-06-28" {
		t.Fatalf("US %+v / EP %+v", us, ep)
	}
	if !us.RestorationAvailable || !slices.Equal(us.RestorationCriteria, []string{"DUE_CARE", "UNINTENTIONAL"}) {
		t.Fatalf("%+v", us)
	}
	c := h.record(usMSP, claimSpec{laterRight: "PATENT", laterNumber: "US 25/100,001", laterDate: "2025-07-01",
		prOffice: "US", prRight: "PATENT", prNumber: "US 24/100,001", prDate: "2024-06-28"}).Claim
	if c.Timeliness != "IN_TIME" || !slices.Equal(c.Warnings, []string{"NOT_ON_LEDGER"}) {
		t.Fatalf("%+v", c)
	}
	for name, args := range map[string][]string{
		"an incompatible pairing": {"US", "TRADEMARK", "2024-06-28", "PATENT"},
		"an unregistered office":  {"CN", "PATENT", "2024-06-28", "PATENT"},
		"an impossible date":      {"US", "PATENT", "2024-06-31", "PATENT"},
		"an unknown later right":  {"US", "PATENT", "2024-06-28", "PLANT"},
		"an unknown prior right":  {"US", "PLANT", "2024-06-28", "PATENT"},
		"a malformed office":      {"U", "PATENT", "2024-06-28", "PATENT"},
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			h := h.sub(t)
			_, err := h.call(jpMSP, opts{}, "ComputePriorityDeadline", args...)
			if err == nil {
				t.Fatal("expected an error")
			}
		})
	}
	h.expectCode(errs.IncompatibleIPType, jpMSP, opts{}, "ComputePriorityDeadline", "US", "TRADEMARK", "2024-06-28", "PATENT")
}

func TestMultiplePrioritiesAndTheEarliestDate(t *testing.T) {
	h := newHarness(t)
	h.clock = h.clock.AddDate(1, 0, 0)
	h.initConsortium()
	h.depositJP()
	// The US first filing itself claims JP's: it is not a first application.
	h.record(usMSP, claimSpec{laterRight: "PATENT", laterNumber: "US 24/100,001", laterDate: "2024-06-28",
		prOffice: "JP", prRight: "PATENT", prNumber: "JP 2024-012345", prDate: "2024-03-15"})
	ep := claimSpec{laterRight: "PATENT", laterNumber: "EP 25000001", laterDate: "2025-06-30", seq: 2,
		prOffice: "US", prRight: "PATENT", prNumber: "US 24/100,001", prDate: "2024-06-28"}
	r := h.record(epMSP, ep)
	if r.Claim.Timeliness != "IN_TIME" || !slices.Equal(r.Claim.Warnings, []string{"NOT_FIRST_APPLICATION", "NOT_ON_LEDGER"}) || r.EarliestPriorityDate != "2024-06-28" {
		t.Fatalf("%+v", r)
	}
	// Sequence 1 on JP's filing is more than 12 months + 2 before: expired.
	seq1 := claimSpec{laterRight: "PATENT", laterNumber: "EP 25000001", laterDate: "2025-06-30", seq: 1,
		prOffice: "JP", prRight: "PATENT", prNumber: "JP 2024-012345", prDate: "2024-03-15"}
	h.expectCode(errs.PriorityPeriodExpired, epMSP, opts{}, "RecordPriorityClaim", claimJSON(t, seq1))
	seq1.prDate, seq1.prNumber, seq1.prOffice = "2024-09-01", "CN 1", "CN"
	r = h.record(epMSP, seq1)
	if r.EarliestPriorityDate != "2024-06-28" {
		t.Fatalf("earliest %s", r.EarliestPriorityDate)
	}
	var all LaterApplicationClaims
	decode(t, h.must(jpMSP, "GetLaterApplicationClaims", "EP", "PATENT", "EP 25000001.3"), &all)
	if len(all.Claims) != 2 || all.Claims[0].SequenceNumber != 1 || all.EarliestPriorityDate != "2024-06-28" {
		t.Fatalf("%+v", all)
	}
	h.must(epMSP, "WithdrawPriorityClaim", "EP:PATENT:25000001:2")
	decode(t, h.must(jpMSP, "GetLaterApplicationClaims", "EP", "PATENT", "EP 25000001"), &all)
	if all.EarliestPriorityDate != "2024-09-01" {
		t.Fatalf("withdrawn claims must not count: %+v", all)
	}

	dup := ep
	h.expectCode(errs.AlreadyExists, epMSP, opts{}, "RecordPriorityClaim", claimJSON(t, dup))
	other := seq1
	other.seq, other.laterDate = 3, "2025-07-01"
	h.expectCode(errs.InvalidArgument, epMSP, opts{}, "RecordPriorityClaim", claimJSON(t, other))
}

func TestClaimRejections(t *testing.T) {
	h := newHarness(t)
	h.initConsortium()
	h.depositJP()
	base := claimSpec{laterRight: "PATENT", laterNumber: "US 25/123,456", laterDate: "2025-03-17",
		prOffice: "JP", prRight: "PATENT", prNumber: "JP 2024-012345", prDate: "2024-03-15"}
	tests := map[string]struct {
		mut  func(*claimSpec)
		raw  string
		code errs.Code
	}{
		"a priority date equal to the later date": {mut: func(c *claimSpec) { c.prDate = "2025-03-17"; c.prOffice = "CN"; c.prNumber = "1" }, code: errs.PriorityDateNotEarlier},
		"a priority date after the later date":    {mut: func(c *claimSpec) { c.prDate = "2025-03-18"; c.prOffice = "CN"; c.prNumber = "1" }, code: errs.PriorityDateNotEarlier},
		"a design claiming a trademark": {mut: func(c *claimSpec) {
			c.laterRight = "INDUSTRIAL_DESIGN"
			c.laterNumber = "30-2025-1"
			c.prRight = "TRADEMARK"
			c.prOffice = "CN"
			c.prNumber = "1"
		}, code: errs.IncompatibleIPType},
		"a patent claiming a design":           {mut: func(c *claimSpec) { c.prRight = "INDUSTRIAL_DESIGN"; c.prOffice = "CN"; c.prNumber = "1" }, code: errs.IncompatibleIPType},
		"a wrong date for a ledger filing":     {mut: func(c *claimSpec) { c.prDate = "2024-03-14" }, code: errs.DateMismatch},
		"a priority office XX":                 {mut: func(c *claimSpec) { c.prOffice = "XX" }, code: errs.UnknownOffice},
		"a priority office ZZ":                 {mut: func(c *claimSpec) { c.prOffice = "ZZ" }, code: errs.UnknownOffice},
		"a priority office usa":                {mut: func(c *claimSpec) { c.prOffice = "usa" }, code: errs.InvalidOfficeCode},
		"a later number not in the OSF format": {mut: func(c *claimSpec) { c.laterNumber = "US 25/123456" }, code: errs.InvalidApplicationNumber},
		"a priority number without a digit":    {mut: func(c *claimSpec) { c.prNumber = "JP ABC" }, code: errs.InvalidApplicationNumber},
		"a later filing date in the future":    {mut: func(c *claimSpec) { c.laterDate = "2025-03-20" }, code: errs.FutureDate},
		"an impossible priority date":          {mut: func(c *claimSpec) { c.prDate = "2024-13-01" }, code: errs.InvalidDate},
		"sequence number zero":                 {mut: func(c *claimSpec) { c.seq = -1 }, code: errs.InvalidArgument},
		"sequence number 1000":                 {mut: func(c *claimSpec) { c.seq = 1000 }, code: errs.InvalidArgument},
		"a string sequence number":             {raw: `{"laterApplication":{},"sequenceNumber":"1","priority":{}}`, code: errs.InvalidArgument},
		"an unknown later IP right":            {mut: func(c *claimSpec) { c.laterRight = "PLANT" }, code: errs.InvalidArgument},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			arg := tc.raw
			if arg == "" {
				c := base
				tc.mut(&c)
				arg = claimJSON(t, c)
			}
			h.expectCode(tc.code, usMSP, opts{}, "RecordPriorityClaim", arg)
		})
	}
	t.Run("claims of other offices cannot be changed", func(t *testing.T) {
		h := h.sub(t)
		c := h.record(usMSP, base).Claim
		h.expectCode(errs.NotAuthorized, krMSP, opts{}, "WithdrawPriorityClaim", c.ID)
		h.expectCode(errs.NotAuthorized, krMSP, opts{}, "DecideRestoration", c.ID, "GRANTED")
		h.expectCode(errs.NotFound, krMSP, opts{}, "GetPriorityClaim", "US:PATENT:1:1")
		h.expectCode(errs.InvalidArgument, krMSP, opts{}, "GetPriorityClaim", "US:PATENT:1:01")
		var got PriorityClaim
		decode(t, h.must(krMSP, "GetPriorityClaim", c.ID), &got)
		if got.ID != c.ID {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("a priority number not in the OFF format is recorded with a warning", func(t *testing.T) {
		h := h.sub(t)
		c := base
		c.laterNumber, c.prNumber = "US 25/888,888", "JP 24-1"
		got := h.record(usMSP, c).Claim
		if !slices.Equal(got.Warnings, []string{"NOT_ON_LEDGER", "UNRECOGNISED_NUMBER_FORMAT"}) || got.Priority.ApplicationNumberNormalised != "241" {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("a withdrawn first filing still founds priority, with a warning", func(t *testing.T) {
		h := h.sub(t)
		h.must(jpMSP, "WithdrawFirstFiling", "JP:PATENT:2024012345", "abandoned")
		c := base
		c.laterNumber = "US 25/999,999"
		got := h.record(usMSP, c).Claim
		if !slices.Equal(got.Warnings, []string{"FIRST_FILING_WITHDRAWN"}) || got.FirstFilingID == "" {
			t.Fatalf("%+v", got)
		}
	})
}
