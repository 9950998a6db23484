package priority

import "github.com/ipledger/ipledger/chaincode/errs"

// Deadline is the outcome of the period computation for one pairing of
// first filing and office of second filing.
type Deadline struct {
	Months                int
	NominalPeriodEnd      Date // R80.2 without extension
	PeriodEnd             Date // extended to the OSF's next working day (Art. 4C(3))
	NominalRestorationEnd Date // two months after the (extended) expiry, R26bis.3(a)
	RestorationEnd        Date // extended likewise
}

// ComputeDeadline computes the priority period and the restoration window at
// the office of second filing. The restoration window starts from the expiry
// of the priority period, which under R2.4(b)/R80.5 is the extended end; it is
// computed whether or not the OSF offers restoration, because a refusal must
// distinguish "late within two months" from "expired".
func ComputeDeadline(prior, later IPRight, priorityDate Date, cal Calendar) (Deadline, error) {
	months, err := PeriodMonths(prior, later)
	if err != nil {
		return Deadline{}, err
	}
	d := Deadline{Months: months}
	d.NominalPeriodEnd = priorityDate.AddMonths(months)
	d.PeriodEnd = cal.NextWorkingDay(d.NominalPeriodEnd)
	d.NominalRestorationEnd = d.PeriodEnd.AddMonths(2)
	d.RestorationEnd = cal.NextWorkingDay(d.NominalRestorationEnd)
	return d, nil
}

// Timeliness classifies an accepted claim.
type Timeliness string

// Accepted timeliness outcomes.
const (
	InTime         Timeliness = "IN_TIME"
	LateRestorable Timeliness = "LATE_RESTORABLE"
)

// Assessment is the result of checking one priority claim.
type Assessment struct {
	Deadline   Deadline
	Timeliness Timeliness
}

// AssessClaim applies, in order: the priority date must precede the later
// filing date, the IP rights must be compatible, and the later filing must
// fall within the period or, where the OSF restores priority for the later
// application's IP right, within the restoration window.
func AssessClaim(prior, later IPRight, priorityDate, laterFilingDate Date, cal Calendar, restorationAllowed bool) (Assessment, error) {
	if !priorityDate.Before(laterFilingDate) {
		return Assessment{}, errs.New(errs.PriorityDateNotEarlier,
			"priority date %s is not earlier than the later filing date %s", priorityDate, laterFilingDate)
	}
	d, err := ComputeDeadline(prior, later, priorityDate, cal)
	if err != nil {
		return Assessment{}, err
	}
	switch {
	case !laterFilingDate.After(d.PeriodEnd):
		return Assessment{Deadline: d, Timeliness: InTime}, nil
	case !laterFilingDate.After(d.RestorationEnd) && restorationAllowed:
		return Assessment{Deadline: d, Timeliness: LateRestorable}, nil
	case !laterFilingDate.After(d.RestorationEnd):
		return Assessment{}, errs.New(errs.RestorationNotAvailable,
			"the priority period ended on %s and this office does not restore the right of priority for %s", d.PeriodEnd, later)
	}
	return Assessment{}, errs.New(errs.PriorityPeriodExpired,
		"the priority period ended on %s and the restoration window on %s", d.PeriodEnd, d.RestorationEnd)
}
