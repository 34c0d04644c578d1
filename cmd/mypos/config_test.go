package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestLoadConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mypos.yaml")
	os.WriteFile(file, []byte("http_addr: \":9000\"\nmqtt_addr: \":1884\"\ndata_dir: /srv/mypos\n"), 0o600)

	t.Run("DefaultsWithoutFile", func(t *testing.T) {
		c, err := loadConfig(filepath.Join(t.TempDir(), "absent.yaml"), false, env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.HTTPAddr != ":8080" || c.MQTTAddr != ":1883" || c.MetricsAddr != "127.0.0.1:9464" || c.DataDir != "./data" || c.Broker != "embedded" {
			t.Fatalf("defaults: %+v", c)
		}
	})
	t.Run("EnvironmentOverridesFile", func(t *testing.T) {
		c, err := loadConfig(file, true, env(map[string]string{"MYPOS_HTTP_ADDR": "127.0.0.1:0"}))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.HTTPAddr, "127.0.0.1:0"; got != want {
			t.Fatalf("HTTPAddr=%q, want %q", got, want)
		}
		if got, want := c.MQTTAddr, ":1884"; got != want {
			t.Fatalf("MQTTAddr=%q, want %q (from the file)", got, want)
		}
		if got, want := c.DataDir, "/srv/mypos"; got != want {
			t.Fatalf("DataDir=%q, want %q (from the file)", got, want)
		}
	})
	t.Run("EmptyVariableTurnsOff", func(t *testing.T) {
		c, err := loadConfig(file, true, env(map[string]string{"MYPOS_METRICS_ADDR": ""}))
		if err != nil || c.MetricsAddr != "" {
			t.Fatalf("MetricsAddr=%q, %v; want off", c.MetricsAddr, err)
		}
	})
	// With a certificate the broker speaks TLS (at :8883 unless set), and
	// plain MQTT only when MYPOS_MQTT_ADDR asks for it.
	tlsEnv := map[string]string{"MYPOS_TLS_CERT": "cert.pem", "MYPOS_TLS_KEY": "key.pem"}
	t.Run("TLSTurnsPlainMQTTOff", func(t *testing.T) {
		c, err := loadConfig(filepath.Join(t.TempDir(), "absent.yaml"), false, env(tlsEnv))
		if err != nil || c.MQTTAddr != "" || c.MQTTTLSAddr != ":8883" {
			t.Fatalf("MQTTAddr=%q MQTTTLSAddr=%q, %v; want off and :8883", c.MQTTAddr, c.MQTTTLSAddr, err)
		}
	})
	t.Run("TLSWithPlainMQTTAskedFor", func(t *testing.T) {
		e := map[string]string{"MYPOS_MQTT_ADDR": ":1883", "MYPOS_MQTT_TLS_ADDR": ":9883"}
		for k, v := range tlsEnv {
			e[k] = v
		}
		c, err := loadConfig(filepath.Join(t.TempDir(), "absent.yaml"), false, env(e))
		if err != nil || c.MQTTAddr != ":1883" || c.MQTTTLSAddr != ":9883" {
			t.Fatalf("MQTTAddr=%q MQTTTLSAddr=%q, %v; want both as set", c.MQTTAddr, c.MQTTTLSAddr, err)
		}
	})
	t.Run("TLSWithPlainMQTTInTheFile", func(t *testing.T) {
		c, err := loadConfig(file, true, env(tlsEnv))
		if err != nil || c.MQTTAddr != ":1884" {
			t.Fatalf("MQTTAddr=%q, %v; want the file's :1884", c.MQTTAddr, err)
		}
	})
	t.Run("ShippedFileParses", func(t *testing.T) {
		if _, err := loadConfig("../../"+defaultConfigFile, true, env(nil)); err != nil {
			t.Fatalf("%s: %v", defaultConfigFile, err)
		}
	})

	bad := []struct {
		name, file string
		env        map[string]string
		want       string
	}{
		{"MissingExplicitFile", "absent", nil, "read config"},
		{"UnknownKey", "http_adr: x\n", nil, `unknown setting "http_adr"`},
		{"NotYAML", "http_addr: [\n", nil, "config"},
		{"BadBroker", "", map[string]string{"MYPOS_BROKER": "pigeon"}, "MYPOS_BROKER must be embedded or external"},
		{"ExternalWithoutURL", "", map[string]string{"MYPOS_BROKER": "external"}, "needs MYPOS_BROKER_URL"},
		{"HalfTLS", "", map[string]string{"MYPOS_TLS_CERT": "c.pem"}, "go together"},
		{"TLSListenerWithoutCert", "", map[string]string{"MYPOS_MQTT_TLS_ADDR": ":8883"}, "needs MYPOS_TLS_CERT"},
		{"BrokerURLNotURL", "", map[string]string{"MYPOS_BROKER": "external", "MYPOS_BROKER_URL": "cloud:s3cret@broker:1883"}, "MYPOS_BROKER_URL must be a URL"},
		{"NoMQTTListener", "", map[string]string{"MYPOS_MQTT_ADDR": ""}, "the embedded broker needs a listener"},
		{"NotPostgres", "", map[string]string{"MYPOS_DATABASE_URL": "mysql://x"}, "postgres://"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if tt.file != "absent" {
				os.WriteFile(path, []byte(tt.file), 0o600)
			}
			_, err := loadConfig(path, true, env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err=%v, want one containing %q", err, tt.want)
			}
		})
	}
}
