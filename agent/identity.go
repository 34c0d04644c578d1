package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"mypos/protocol"
)

// Identity is who this terminal is to the cloud.
type Identity struct {
	DeviceID string
	Secret   string // the MQTT password: never logged, never printed
	MQTTURL  string // the broker named at enrollment
}

// ErrNotEnrolled says the data directory holds no identity yet.
var ErrNotEnrolled = errors.New("this terminal is not enrolled")

// String, GoString and LogValue leave the secret out, so printing or
// logging an Identity by mistake cannot leak it.
func (id Identity) String() string {
	return fmt.Sprintf("device %s at %s", id.DeviceID, id.MQTTURL)
}

func (id Identity) GoString() string { return "agent.Identity{" + id.String() + "}" }

func (id Identity) LogValue() slog.Value {
	return slog.GroupValue(slog.String("device", id.DeviceID), slog.String("mqtt_url", id.MQTTURL))
}

// validate checks an identity before it is used.
func (id Identity) validate() error {
	if err := id.validCredentials(); err != nil {
		return err
	}
	_, _, err := brokerAddress(id.MQTTURL)
	return err
}

// validCredentials checks what an enrollment answer must hold. The broker
// URL is not checked here: an answer with a URL this agent cannot use is
// still the till's only copy of its secret, so it is stored, and run says
// what is wrong with the URL.
func (id Identity) validCredentials() error {
	if !protocol.ValidDeviceID(id.DeviceID) {
		return fmt.Errorf("device ID %q cannot name a device on the wire", id.DeviceID)
	}
	if id.Secret == "" || id.MQTTURL == "" {
		return errors.New("the secret or the broker URL is empty")
	}
	return nil
}

// LoadIdentity reads the identity enrollment stored in dir. Returns an
// error wrapping ErrNotEnrolled when there is none.
func LoadIdentity(dir string) (*Identity, error) {
	var id Identity
	var err error
	if id.DeviceID, err = readValue(dir, fileDeviceID); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no identity in %s", ErrNotEnrolled, dir)
	}
	if err != nil {
		return nil, err
	}
	if id.Secret, err = readValue(dir, fileSecret); err != nil {
		return nil, fmt.Errorf("identity in %s is incomplete, enroll again: %w", dir, err)
	}
	if id.MQTTURL, err = readValue(dir, fileMQTTURL); err != nil {
		return nil, fmt.Errorf("identity in %s is incomplete, enroll again: %w", dir, err)
	}
	if err := id.validate(); err != nil {
		return nil, fmt.Errorf("identity in %s: %w", dir, err)
	}
	return &id, nil
}

// enrolledAs returns the device ID stored in dir, "" when there is none.
// The device-id file is written last, so its presence means a whole identity.
func enrolledAs(dir string) (string, error) {
	id, err := readValue(dir, fileDeviceID)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	return id, err
}

// saveIdentity stores a new identity. The device ID goes last so that a
// crash part-way leaves no file that claims a complete identity. The nonce
// has done its job and goes. The local database may still hold an earlier device's
// data: run empties it when it finds another device's ID in it (Store.bind).
func saveIdentity(dir string, id *Identity) error {
	if err := removeValue(dir, fileDeviceID); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{
		{fileSecret, id.Secret}, {fileMQTTURL, id.MQTTURL}, {fileDeviceID, id.DeviceID},
	} {
		if err := writeValue(dir, f.name, f.value); err != nil {
			return fmt.Errorf("store the identity: %w", err)
		}
	}
	return removeValue(dir, fileNonce)
}
