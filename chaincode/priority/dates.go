package priority

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// Date is a legal (calendar) date without time zone. Legal dates are local dates
// (PCT R80.4), so they are never derived from a time.Time except "today".
type Date struct {
	t time.Time // always midnight UTC
}

// Bounds for dates accepted anywhere in the contract.
var (
	MinDate = NewDate(1900, time.January, 1)
	MaxDate = NewDate(9999, time.December, 31)
)

// NewDate builds a date; out-of-range components are normalised as by time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return Date{t: time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the UTC calendar date of a timestamp.
func DateOf(ts time.Time) Date {
	u := ts.UTC()
	return NewDate(u.Year(), u.Month(), u.Day())
}

// ParseDate accepts exactly YYYY-MM-DD naming a real Gregorian day between
// MinDate and MaxDate.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, errs.New(errs.InvalidDate, "date %q is not in YYYY-MM-DD form", clip(s))
	}
	for i, c := range []byte(s) {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return Date{}, errs.New(errs.InvalidDate, "date %q is not in YYYY-MM-DD form", clip(s))
		}
	}
	y := atoi(s[0:4])
	m := atoi(s[5:7])
	d := atoi(s[8:10])
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, errs.New(errs.InvalidDate, "date %s does not exist in the Gregorian calendar", s)
	}
	date := NewDate(y, time.Month(m), d)
	if date.Before(MinDate) {
		return Date{}, errs.New(errs.InvalidDate, "date %s is before %s", s, MinDate)
	}
	return date, nil
}

// String renders YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(time.DateOnly) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Year, Month and Day expose the components.
func (d Date) Year() int             { return d.t.Year() }
func (d Date) Month() time.Month     { return d.t.Month() }
func (d Date) Day() int              { return d.t.Day() }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Before, After and Equal compare calendar days.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }

// AddDays moves by whole days.
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// AddMonths implements PCT R80.2: the period ends in the target month on the day
// with the same number as the starting day or, if that month has no such day,
// on its last day. Counting starts the day after the event, which this rule
// already embodies: 15 March + 12 months = 15 March of the next year.
func (d Date) AddMonths(n int) Date {
	total := int(d.Month()) - 1 + n
	year := d.Year() + floorDiv(total, 12)
	month := time.Month(total - floorDiv(total, 12)*12 + 1)
	day := min(d.Day(), daysIn(year, month))
	return NewDate(year, month, day)
}

func daysIn(year int, month time.Month) int {
	// Day 0 of the following month is the last day of this one.
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func atoi(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n
}

// clip keeps echoed user input short in error messages.
func clip(s string) string { return Clip(s, 40) }

// Clip keeps at most max bytes of echoed user input (whole runes, valid UTF-8) and marks the cut with "…".
// It only looks at a bounded prefix, so an oversized input costs nothing here.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.ToValidUTF8(s[:cut], "") + "…"
}

// NotInFuture rejects dates after today + 1 day: an office east of UTC may
// already be on the next calendar day when the transaction is timestamped.
func NotInFuture(d Date, today Date, what string) error {
	if d.After(today.AddDays(1)) {
		return errs.New(errs.FutureDate, "%s %s is in the future", what, d)
	}
	return nil
}
