package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"mypos/broker"
)

// Config is the server's configuration: built-in defaults, then the config
// file, then the environment, each overriding the one before.
type Config struct {
	HTTPAddr      string
	MQTTAddr      string
	MQTTWSAddr    string
	MQTTTLSAddr   string
	MetricsAddr   string
	PublicURL     string
	PublicMQTTURL string
	DataDir       string
	DatabaseURL   string
	OwnerEmail    string
	OwnerPassword string
	Broker        string
	BrokerURL     string
	TLSCert       string
	TLSKey        string
	LogLevel      string
	SyncHorizon   string

	// given holds the variables set in the file or the environment, as
	// opposed to left at their defaults.
	given map[string]bool
}

// Horizon is MYPOS_SYNC_HORIZON read as a duration; validate has checked it.
func (c Config) Horizon() time.Duration {
	d, _ := time.ParseDuration(c.SyncHorizon)
	return d
}

// option is one setting: its variable, its key in the file, its default.
type option struct {
	env, key, def, help string
	secret              bool
	field               func(*Config) *string
}

// shown is a value of the setting as it may be printed — in the help, the
// banner, a log or an error line. A secret's value never is: a URL shows
// with its passwords masked (broker.RedactedURL), anything else as "(set)".
func (o option) shown(v string) string {
	switch {
	case !o.secret || v == "":
		return v
	case isURL(v):
		return broker.RedactedURL(v)
	default:
		return "(set)"
	}
}

// shown is the value of the setting env as it may be printed (option.shown).
func (c Config) shown(env string) string {
	for _, o := range options {
		if o.env == env {
			return o.shown(*o.field(&c))
		}
	}
	panic("no setting " + env)
}

// options is the table of every setting; the help text and the README come from it.
var options = []option{
	{"MYPOS_HTTP_ADDR", "http_addr", ":8080", "cabinet and API", false, func(c *Config) *string { return &c.HTTPAddr }},
	{"MYPOS_MQTT_ADDR", "mqtt_addr", ":1883", "embedded broker, plain TCP (with TLS: off unless set)", false, func(c *Config) *string { return &c.MQTTAddr }},
	{"MYPOS_MQTT_WS_ADDR", "mqtt_ws_addr", "", "embedded broker, WebSocket (empty: off)", false, func(c *Config) *string { return &c.MQTTWSAddr }},
	{"MYPOS_MQTT_TLS_ADDR", "mqtt_tls_addr", "", "embedded broker, TLS (with MYPOS_TLS_CERT, MYPOS_TLS_KEY; then :8883 unless set)", false, func(c *Config) *string { return &c.MQTTTLSAddr }},
	{"MYPOS_METRICS_ADDR", "metrics_addr", "127.0.0.1:9464", "Prometheus /metrics, internal (empty: off)", false, func(c *Config) *string { return &c.MetricsAddr }},
	{"MYPOS_PUBLIC_URL", "public_url", "", "cabinet URL told to terminals (default: derived)", false, func(c *Config) *string { return &c.PublicURL }},
	{"MYPOS_PUBLIC_MQTT_URL", "public_mqtt_url", "", "broker URL told to terminals (default: derived)", false, func(c *Config) *string { return &c.PublicMQTTURL }},
	{"MYPOS_DATA_DIR", "data_dir", "./data", "SQLite file, firmware artifacts, keys", false, func(c *Config) *string { return &c.DataDir }},
	{"MYPOS_DATABASE_URL", "database_url", "", "postgres://… for Postgres (empty: SQLite in the data dir)", true, func(c *Config) *string { return &c.DatabaseURL }},
	{"MYPOS_OWNER_EMAIL", "owner_email", "", "create the owner account on first start", false, func(c *Config) *string { return &c.OwnerEmail }},
	{"MYPOS_OWNER_PASSWORD", "owner_password", "", "the owner's password on first start", true, func(c *Config) *string { return &c.OwnerPassword }},
	{"MYPOS_BROKER", "broker", "embedded", "embedded, or external (with MYPOS_BROKER_URL)", false, func(c *Config) *string { return &c.Broker }},
	{"MYPOS_BROKER_URL", "broker_url", "", "external MQTT broker URL", true, func(c *Config) *string { return &c.BrokerURL }},
	{"MYPOS_TLS_CERT", "tls_cert", "", "TLS certificate file (PEM): HTTPS and MQTT over TLS", false, func(c *Config) *string { return &c.TLSCert }},
	{"MYPOS_TLS_KEY", "tls_key", "", "TLS key file (PEM)", false, func(c *Config) *string { return &c.TLSKey }},
	{"MYPOS_SYNC_HORIZON", "sync_horizon", "720h", "how long the changelog keeps changes; a till further behind takes a full snapshot", false, func(c *Config) *string { return &c.SyncHorizon }},
	{"MYPOS_LOG_LEVEL", "log_level", "info", "debug, info, warn or error", false, func(c *Config) *string { return &c.LogLevel }},
}

// defaultConfigFile is read when it exists and --config names no other.
const defaultConfigFile = "configs/mypos.yaml"

// loadConfig builds the configuration. A file named explicitly must exist;
// the default file may be absent. A variable set to the empty string counts:
// MYPOS_METRICS_ADDR= turns the metrics listener off.
func loadConfig(path string, explicit bool, lookupEnv func(string) (string, bool)) (Config, error) {
	c := Config{given: map[string]bool{}}
	for _, o := range options {
		*o.field(&c) = o.def
	}
	if err := applyFile(&c, path, explicit); err != nil {
		return c, err
	}
	for _, o := range options {
		if v, ok := lookupEnv(o.env); ok {
			*o.field(&c) = v
			c.given[o.env] = true
		}
	}
	c.applyTLSDefaults()
	return c, c.validate()
}

// defaultMQTTTLSAddr is MQTT over TLS's standard port.
const defaultMQTTTLSAddr = ":8883"

// applyTLSDefaults makes a server with a certificate speak MQTT over TLS
// only: the TLS listener is on (at :8883 unless set) and the plain one is
// off unless MYPOS_MQTT_ADDR was set, in the file or the environment.
func (c *Config) applyTLSDefaults() {
	if c.TLSCert == "" {
		return
	}
	if !c.given["MYPOS_MQTT_ADDR"] {
		c.MQTTAddr = ""
	}
	if !c.given["MYPOS_MQTT_TLS_ADDR"] {
		c.MQTTTLSAddr = defaultMQTTTLSAddr
	}
}

func applyFile(c *Config, path string, explicit bool) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	var values map[string]string
	if err := yaml.Unmarshal(data, &values); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	for key, v := range values {
		o, ok := optionByKey(key)
		if !ok {
			return fmt.Errorf("config %s: unknown setting %q", path, key)
		}
		*o.field(c) = v
		c.given[o.env] = true
	}
	return nil
}

func optionByKey(key string) (option, bool) {
	for _, o := range options {
		if o.key == key {
			return o, true
		}
	}
	return option{}, false
}

func (c Config) validate() error {
	switch {
	case c.Broker != "embedded" && c.Broker != "external":
		return fmt.Errorf("MYPOS_BROKER must be embedded or external, not %q", c.shown("MYPOS_BROKER"))
	case c.Broker == "external" && c.BrokerURL == "":
		return errors.New("MYPOS_BROKER=external needs MYPOS_BROKER_URL")
	case c.Broker == "external" && !isURL(c.BrokerURL):
		return errors.New("MYPOS_BROKER_URL must be a URL like tcp://host:1883")
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return errors.New("MYPOS_TLS_CERT and MYPOS_TLS_KEY go together")
	case c.MQTTTLSAddr != "" && c.TLSCert == "":
		return errors.New("MYPOS_MQTT_TLS_ADDR needs MYPOS_TLS_CERT and MYPOS_TLS_KEY")
	case c.HTTPAddr == "":
		return errors.New("MYPOS_HTTP_ADDR must not be empty")
	case c.Broker == "embedded" && c.MQTTAddr == "" && c.MQTTTLSAddr == "" && c.MQTTWSAddr == "":
		return errors.New("the embedded broker needs a listener: set MYPOS_MQTT_ADDR, MYPOS_MQTT_TLS_ADDR or MYPOS_MQTT_WS_ADDR")
	case c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		return errors.New("MYPOS_DATABASE_URL must be a postgres:// URL (leave it empty for SQLite)")
	case c.Horizon() < time.Second:
		return fmt.Errorf("MYPOS_SYNC_HORIZON must be a duration of a second or more, like 720h, not %q", c.shown("MYPOS_SYNC_HORIZON"))
	}
	return nil
}

// isURL reports whether s parses as a URL with a scheme and a host. The
// parser's error is not shown: it would quote a password the URL holds.
func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}
