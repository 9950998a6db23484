package priority

import (
	"slices"
	"strings"
	"time"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// MaxClosedDates caps an office's published closure dates (a few years' worth).
const MaxClosedDates = 1000

// weekdayOrder lists weekdays Monday first, the order used in canonical output.
var weekdayOrder = []time.Weekday{
	time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday,
}

// WeekdayName renders a weekday as in the contract (MONDAY … SUNDAY).
func WeekdayName(w time.Weekday) string { return strings.ToUpper(w.String()) }

// ParseWeekday accepts MONDAY … SUNDAY.
func ParseWeekday(s string) (time.Weekday, error) {
	for _, w := range weekdayOrder {
		if WeekdayName(w) == s {
			return w, nil
		}
	}
	return 0, errs.New(errs.InvalidArgument, "weekday %q is not one of MONDAY…SUNDAY", clip(s))
}

// Calendar says on which days an office is open for filing. It decides the
// extension of a period ending on a closed day (Paris Art. 4C(3), PCT R80.5).
type Calendar struct {
	closedWeekdays [7]bool
	closedDates    map[Date]bool
}

// NewCalendar validates and builds a calendar. At least one weekday must stay
// open so that looking for the next working day always terminates.
func NewCalendar(weekdays []string, dates []string) (Calendar, error) {
	var c Calendar
	if len(weekdays) > 6 {
		return Calendar{}, errs.New(errs.InvalidArgument, "at most 6 weekdays may be closed")
	}
	for _, s := range weekdays {
		w, err := ParseWeekday(s)
		if err != nil {
			return Calendar{}, err
		}
		if c.closedWeekdays[w] {
			return Calendar{}, errs.New(errs.InvalidArgument, "weekday %s is listed twice", s)
		}
		c.closedWeekdays[w] = true
	}
	if len(dates) > MaxClosedDates {
		return Calendar{}, errs.New(errs.InvalidArgument, "at most %d closure dates may be published", MaxClosedDates)
	}
	c.closedDates = make(map[Date]bool, len(dates))
	for _, s := range dates {
		d, err := ParseDate(s)
		if err != nil {
			return Calendar{}, err
		}
		if c.closedDates[d] {
			return Calendar{}, errs.New(errs.InvalidArgument, "closure date %s is listed twice", s)
		}
		c.closedDates[d] = true
	}
	return c, nil
}

// DefaultClosedWeekdays is the calendar of a newly registered office.
func DefaultClosedWeekdays() []string { return []string{"SATURDAY", "SUNDAY"} }

// ClosedWeekdays returns the closed weekdays, Monday first.
func (c Calendar) ClosedWeekdays() []string {
	out := []string{}
	for _, w := range weekdayOrder {
		if c.closedWeekdays[w] {
			out = append(out, WeekdayName(w))
		}
	}
	return out
}

// ClosedDates returns the closure dates in ascending order.
func (c Calendar) ClosedDates() []string {
	ds := make([]Date, 0, len(c.closedDates))
	for d := range c.closedDates {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b Date) int { return a.t.Compare(b.t) })
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// IsWorkingDay reports whether the office is open for filing on d.
func (c Calendar) IsWorkingDay(d Date) bool {
	return !c.closedWeekdays[d.Weekday()] && !c.closedDates[d]
}

// NextWorkingDay returns d itself when it is a working day, else the first
// following working day (chains of closures are followed).
func (c Calendar) NextWorkingDay(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}
