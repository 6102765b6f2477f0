package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anopex/opsbot/storage"
)

// The running bot holds the data file's exclusive lock, so `opsbot backup`
// cannot open it. The bot therefore listens on a unix socket in its data
// directory (mode 0600: only its own user) and takes the copy itself, inside
// a read transaction, while it keeps working. When no bot runs, the command
// opens the file read-only and copies it directly.

const controlSocket = "control.sock"

// serveControl answers "backup PATH" requests on DATA/control.sock until ctx ends.
func (a *app) serveControl(ctx context.Context) error {
	path := filepath.Join(a.cfg.Data, controlSocket)
	os.Remove(path) // a stale socket of a previous run: we hold the data lock, so nobody else uses it
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	defer os.Remove(path)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("control socket: %w", err)
	}
	go func() { <-ctx.Done(); ln.Close() }()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("control socket: %w", err)
		}
		go a.control(conn)
	}
}

func (a *app) control(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Minute))
	line, err := bufio.NewReader(io.LimitReader(conn, 4096)).ReadString('\n')
	if err != nil {
		return
	}
	cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	if cmd != "backup" || !filepath.IsAbs(arg) {
		fmt.Fprintln(conn, "error: unknown request (want: backup /absolute/path)")
		return
	}
	if err := a.store.BackupFile(arg); err != nil {
		a.log.Error().Err(err).Msg("online backup failed")
		fmt.Fprintf(conn, "error: %v\n", err)
		return
	}
	a.log.Info().Str("file", arg).Msg("online backup written")
	fmt.Fprintln(conn, "ok")
}

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (its data directory is backed up)")
	data := fs.String("data", "", "data directory (instead of -config)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("backup: give the destination file: opsbot backup -config opsbot.yaml FILE")
	}
	dest, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		return err
	}
	dir := *data
	if *path != "" {
		cfg, err := loadConfig(*path)
		if err != nil {
			return err
		}
		dir = cfg.Data
	}
	if dir == "" {
		return errors.New("backup: give -config or -data")
	}
	err = storage.BackupFile(filepath.Join(dir, "opsbot.db"), dest)
	if errors.Is(err, storage.ErrLocked) {
		err = onlineBackup(ctx, filepath.Join(dir, controlSocket), dest)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", dest)
	return nil
}

// onlineBackup asks the running bot to write the copy.
func onlineBackup(ctx context.Context, socket, dest string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return fmt.Errorf("backup: the data file is locked by a running opsbot, and its control socket does not answer: %w", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Minute))
	if _, err := fmt.Fprintf(conn, "backup %s\n", dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	answer, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("backup: no answer from the running opsbot: %w", err)
	}
	if answer = strings.TrimSpace(answer); answer != "ok" {
		return fmt.Errorf("backup by the running opsbot: %s", strings.TrimPrefix(answer, "error: "))
	}
	return nil
}
