package storage

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketJobs holds what the scheduled posts must remember across a
// restart: "monthly_report" → the month ("2006-01") of the last monthly
// report posted.
var bucketJobs = []byte("jobs")

// bucketRightsReviews holds the scheduled rights reviews' summaries that
// await the president's ✅: platform + "\x00" + message ID → when it was
// posted. ConfirmRightsReview removes one.
var bucketRightsReviews = []byte("rights_reviews")

var keyMonthlyReport = []byte("monthly_report")

// ClaimMonthlyReport records month ("2006-01") as the last monthly report
// posted, unless it or a later month is recorded already (ok false, nothing
// written), in one transaction: of two runs, one posts. prev is the month
// recorded before ("" for none), for ReleaseMonthlyReport.
func (db *DB) ClaimMonthlyReport(_ context.Context, month string) (prev string, ok bool, err error) {
	err = change(db, "claim monthly report", bucketJobs, func(b *bolt.Bucket) (err error) {
		if prev, _, err = getJSON[string](b, keyMonthlyReport); err != nil || prev >= month {
			return err
		}
		ok = true
		return putJSON(b, keyMonthlyReport, month)
	})
	return prev, ok, err
}

// ReleaseMonthlyReport gives back the claim on month after its post failed:
// prev becomes the last month posted again, so the next run posts month.
func (db *DB) ReleaseMonthlyReport(_ context.Context, month, prev string) error {
	return change(db, "release monthly report", bucketJobs, func(b *bolt.Bucket) error {
		switch cur, _, err := getJSON[string](b, keyMonthlyReport); {
		case err != nil || cur != month:
			return err
		case prev == "":
			return b.Delete(keyMonthlyReport)
		}
		return putJSON(b, keyMonthlyReport, prev)
	})
}

// AwaitRightsReview records the rights review summary posted as message id
// on platform as awaiting the president's ✅.
func (db *DB) AwaitRightsReview(_ context.Context, platform, id string, at time.Time) error {
	return change(db, "await rights review", bucketRightsReviews, func(b *bolt.Bucket) error { return putJSON(b, messageKey(platform, id), at) })
}

// RightsReviewAwaited reports whether message id on platform is a rights
// review summary not confirmed yet.
func (db *DB) RightsReviewAwaited(_ context.Context, platform, id string) (ok bool, err error) {
	err = db.bolt.View(func(tx *bolt.Tx) error {
		_, ok, err = getJSON[time.Time](tx.Bucket(bucketRightsReviews), messageKey(platform, id))
		return err
	})
	return ok, internal("read rights review", err)
}

// ConfirmRightsReview removes the awaited summary id on platform and
// returns when it was posted, ok false when it was not awaited, in one
// transaction: of two simultaneous ✅, one confirms.
func (db *DB) ConfirmRightsReview(_ context.Context, platform, id string) (posted time.Time, ok bool, err error) {
	err = change(db, "confirm rights review", bucketRightsReviews, func(b *bolt.Bucket) error {
		if posted, ok, err = getJSON[time.Time](b, messageKey(platform, id)); err != nil || !ok {
			return err
		}
		return b.Delete(messageKey(platform, id))
	})
	return posted, ok, err
}
