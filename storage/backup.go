package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole data file to w and returns
// the number of bytes written. It runs in a read transaction, so the bot
// keeps working meanwhile: writes committed after the copy began are not in
// it, and the copy is a valid bbolt file that Open accepts.
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("storage: backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a consistent copy of the data file to path, atomically:
// the copy goes to a temporary file in path's directory, is synced, then
// renamed over path, so path never holds half a backup. The file has mode
// 0600 (it holds the audit log). Refuses path when it is the data file
// itself.
func (db *DB) BackupFile(path string) (err error) {
	if same, err := samePath(db.path, path); err != nil {
		return fmt.Errorf("storage: backup to %s: %w", path, err)
	} else if same {
		return fmt.Errorf("storage: backup to %s: that is the data file itself; choose another file", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	if _, err := db.Backup(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("storage: backup: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// BackupFile copies the data file at dataPath to dest for `opsbot backup`
// while the bot is stopped; while it runs, it holds the lock and this fails
// with an error matching ErrLocked (doc.go, "Backups").
func BackupFile(dataPath, dest string) error {
	db, err := Open(dataPath, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.BackupFile(dest)
}

// samePath reports whether a and b name the same file. A b that does not
// exist yet is not a.
func samePath(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// syncDir makes a rename in dir durable. It is best effort: some file
// systems cannot sync a directory, and the backup file itself is synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
