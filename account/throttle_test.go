package account_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"mypos"
	"mypos/account"
)

// loginFrom logs in from an address, presenting a device proof ("" for none).
func loginFrom(f *fixture, address, device, email, password string) (*account.Login, error) {
	return f.svc.Login(context.Background(), account.Credentials{Email: email, Password: password, Device: device}, address, account.ViaToken)
}

// The case: five wrong passwords from one address slow that address
// down for that e-mail, and nobody else — the owner logs in from another.
func TestLoginFailuresElsewhereDoNotBlock(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "victim@shop.test", "right-pass")
	for i := 1; i <= 5; i++ {
		_, err := loginFrom(f, "203.0.113.7", "", "victim@shop.test", "guess")
		wantCode(t, err, mypos.EUNAUTHORIZED)
	}
	_, err := loginFrom(f, "203.0.113.7", "", "victim@shop.test", "right-pass")
	wantCode(t, err, mypos.ERATELIMIT)

	if l, err := loginFrom(f, "198.51.100.20", "", "victim@shop.test", "right-pass"); err != nil || l.Session == nil {
		t.Fatalf("the owner from another address: %+v, %v", l, err)
	}
}

// A guesser who tries once a window, every window, keeps the e-mail waiting
// from its own address only: once it is at its longest wait, the owner
// from another address still gets in, at any moment of the window.
func TestLoginSlowGuesserNeverLocksOut(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "victim@shop.test", "right-pass")
	for range 16 {
		f.now = f.now.Add(15 * time.Minute)
		if _, err := loginFrom(f, "203.0.113.7", "", "victim@shop.test", "guess"); err == nil {
			t.Fatal("a wrong password let the guesser in")
		}
	}
	_, err := loginFrom(f, "203.0.113.7", "", "victim@shop.test", "guess")
	wantCode(t, err, mypos.ERATELIMIT)
	if got := mypos.ErrorRetryAfter(err); got != 15*time.Minute {
		t.Fatalf("the guesser waits %v, want 15m", got)
	}
	for _, later := range []time.Duration{0, 7 * time.Minute, 7 * time.Minute} {
		f.now = f.now.Add(later)
		if _, err := loginFrom(f, "198.51.100.20", "", "victim@shop.test", "right-pass"); err != nil {
			t.Fatalf("the owner from another address: %v", err)
		}
	}
	// The owner's login clears nothing of the guesser's.
	_, err = loginFrom(f, "203.0.113.7", "", "victim@shop.test", "guess")
	wantCode(t, err, mypos.ERATELIMIT)
}

// The owner's browser logged in before: while guessers flood the e-mail
// from many addresses — the owner's own among them, an office's shared
// address — the owner with the device proof gets in; without it, from that
// address, they wait like anyone.
func TestLoginKnownDeviceIgnoresFlood(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "victim@shop.test", "right-pass")
	const office = "192.0.2.10"
	first, err := loginFrom(f, office, "", "victim@shop.test", "right-pass")
	if err != nil || first.Device == "" {
		t.Fatalf("first login: %+v, %v; want a device proof", first, err)
	}
	for i := range 10 {
		address := fmt.Sprintf("203.0.113.%d", i)
		for range 6 {
			loginFrom(f, address, "", "victim@shop.test", "guess")
		}
	}
	for range 25 {
		loginFrom(f, office, "", "victim@shop.test", "guess")
	}
	_, err = loginFrom(f, office, "", "victim@shop.test", "right-pass")
	wantCode(t, err, mypos.ERATELIMIT)

	l, err := loginFrom(f, office, first.Device, "victim@shop.test", "right-pass")
	if err != nil || l.Session == nil {
		t.Fatalf("the owner with the device proof: %+v, %v", l, err)
	}
	if l.Device != first.Device {
		t.Fatalf("the proof changed on a second login: %q, then %q", first.Device, l.Device)
	}
}

// The owner's own wrong passwords still slow the owner's device down —
// and that device only.
func TestLoginKnownDeviceOwnFailures(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "victim@shop.test", "right-pass")
	laptop, err := loginFrom(f, "192.0.2.10", "", "victim@shop.test", "right-pass")
	if err != nil {
		t.Fatal(err)
	}
	phone, err := loginFrom(f, "192.0.2.11", "", "victim@shop.test", "right-pass")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		_, err := loginFrom(f, "192.0.2.10", laptop.Device, "victim@shop.test", "typo")
		wantCode(t, err, mypos.EUNAUTHORIZED)
	}
	_, err = loginFrom(f, "192.0.2.10", laptop.Device, "victim@shop.test", "right-pass")
	wantCode(t, err, mypos.ERATELIMIT)
	if got := mypos.ErrorRetryAfter(err); got != 30*time.Second {
		t.Fatalf("RetryAfter=%v, want 30s", got)
	}
	if _, err := loginFrom(f, "192.0.2.10", phone.Device, "victim@shop.test", "right-pass"); err != nil {
		t.Fatalf("the phone, same address: %v", err)
	}
	f.now = f.now.Add(30 * time.Second)
	if _, err := loginFrom(f, "192.0.2.10", laptop.Device, "victim@shop.test", "right-pass"); err != nil {
		t.Fatalf("the laptop after its wait: %v", err)
	}
}

// A device proof cannot be made up or carried over: one made up, one of
// another e-mail (the attacker's own account), or one with the ID of the
// owner's device and a tag of another e-mail all count as none.
func TestLoginDeviceProofCannotBeForged(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "victim@shop.test", "right-pass")
	f.register(t, mypos.KindCompany, "attacker@evil.test", "attacker-pass")
	const address = "203.0.113.7"
	own, err := loginFrom(f, address, "", "attacker@evil.test", "attacker-pass")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		_, err := loginFrom(f, address, "", "victim@shop.test", "guess")
		wantCode(t, err, mypos.EUNAUTHORIZED)
	}
	madeUp := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"
	for name, proof := range map[string]string{"made up": madeUp, "another e-mail's": own.Device, "garbage": "x.y.z"} {
		if _, err := loginFrom(f, address, proof, "victim@shop.test", "guess"); mypos.ErrorCode(err) != mypos.ERATELIMIT {
			t.Fatalf("a %s proof: %v, want ERATELIMIT", name, err)
		}
	}
}

// A browser keeps proofs for the e-mails it logged in to, the latest eight.
func TestLoginDeviceRemembersEightEmails(t *testing.T) {
	f := newFixture(t)
	device := ""
	for i := range 9 {
		email := fmt.Sprintf("user%d@shop.test", i)
		f.register(t, mypos.KindCompany, email, "right-pass")
		l, err := loginFrom(f, "192.0.2.10", device, email, "right-pass")
		if err != nil {
			t.Fatal(err)
		}
		device = l.Device
	}
	flood := func(email string) {
		for range 25 {
			loginFrom(f, "192.0.2.10", "", email, "guess")
		}
	}
	flood("user1@shop.test")
	if _, err := loginFrom(f, "192.0.2.10", device, "user1@shop.test", "right-pass"); err != nil {
		t.Fatalf("the eighth latest e-mail: %v", err)
	}
	flood("user0@shop.test")
	_, err := loginFrom(f, "192.0.2.10", device, "user0@shop.test", "right-pass")
	wantCode(t, err, mypos.ERATELIMIT)
}

// The address limit still stops a sprayer: many e-mails from one address,
// or from one IPv6 /64, which one party holds whole.
func TestLoginSprayerStopped(t *testing.T) {
	for name, addressOf := range map[string]func(int) string{
		"IPv4":     func(int) string { return "203.0.113.7" },
		"IPv6 /64": func(i int) string { return fmt.Sprintf("2001:db8:1:2::%x", i+1) },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, mypos.KindCompany, "real@shop.test", "right-pass")
			for i := range 20 {
				_, err := loginFrom(f, addressOf(i), "", fmt.Sprintf("user%d@spray.test", i), "guess")
				wantCode(t, err, mypos.EUNAUTHORIZED)
			}
			_, err := loginFrom(f, addressOf(20), "", "real@shop.test", "right-pass")
			wantCode(t, err, mypos.ERATELIMIT)
			if _, err := loginFrom(f, "2001:db8:1:3::1", "", "real@shop.test", "right-pass"); err != nil {
				t.Fatalf("from the next /64: %v", err)
			}
		})
	}
}

// Parallel guesses cannot outrun the count: of a burst of 20 guesses at
// once from one address, at most five are weighed before the e-mail waits.
func TestLoginParallelGuessesCounted(t *testing.T) {
	f := newFixture(t)
	f.register(t, mypos.KindCompany, "victim@shop.test", "right-pass")
	var wg sync.WaitGroup
	var mu sync.Mutex
	weighed := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := loginFrom(f, "203.0.113.7", "", "victim@shop.test", "guess")
			if mypos.ErrorCode(err) == mypos.EUNAUTHORIZED {
				mu.Lock()
				weighed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if weighed > 5 {
		t.Fatalf("%d guesses weighed, want at most 5", weighed)
	}
}

func signUp(f *fixture, address string, i int) (*account.Account, error) {
	return f.svc.SignUp(context.Background(), account.Registration{
		Kind: mypos.KindCompany, Name: "Shop", INN: innFirm, Email: fmt.Sprintf("shop%d@signup.test", i), Password: "long-enough",
	}, address)
}

// Sign-ups are throttled per address: ten, then an hour's wait; a taken
// e-mail counts, a form with mistakes does not; other addresses go on.
func TestSignUpThrottled(t *testing.T) {
	f := newFixture(t)
	for i := range 8 {
		if _, err := signUp(f, "203.0.113.7", i); err != nil {
			t.Fatalf("sign-up %d: %v", i, err)
		}
	}
	for range 5 {
		_, err := f.svc.SignUp(context.Background(), account.Registration{Kind: mypos.KindCompany, Name: "Shop", INN: "123", Email: "typo@signup.test", Password: "long-enough"}, "203.0.113.7")
		wantCode(t, err, mypos.EINVALID)
	}
	_, err := signUp(f, "203.0.113.7", 0)
	wantCode(t, err, mypos.ECONFLICT)
	if _, err := signUp(f, "203.0.113.7", 9); err != nil {
		t.Fatalf("the tenth sign-up: %v", err)
	}
	_, err = signUp(f, "203.0.113.7", 10)
	wantCode(t, err, mypos.ERATELIMIT)
	if got := mypos.ErrorRetryAfter(err); got != time.Hour {
		t.Fatalf("RetryAfter=%v, want 1h", got)
	}
	if _, err := signUp(f, "198.51.100.20", 11); err != nil {
		t.Fatalf("from another address: %v", err)
	}
	f.now = f.now.Add(time.Hour)
	if _, err := signUp(f, "203.0.113.7", 10); err != nil {
		t.Fatalf("after the hour: %v", err)
	}
}

// A burst of sign-ups at once from one address creates ten accounts at most.
func TestSignUpParallelCounted(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := signUp(f, "203.0.113.7", i); err == nil {
				mu.Lock()
				created++
				mu.Unlock()
			} else if mypos.ErrorCode(err) != mypos.ERATELIMIT {
				t.Errorf("sign-up %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if created == 0 || created > 10 {
		t.Fatalf("%d accounts created, want 1 to 10", created)
	}
}
