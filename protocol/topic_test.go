package protocol

import (
	"fmt"
	"testing"
)

const devA = "0190c0de-0000-7000-8000-00000000000a"

func TestParseDeviceTopic(t *testing.T) {
	for _, tt := range []struct {
		topic, id, leaf string
		ok              bool
	}{
		{DeviceTopic(devA, LeafUp), devA, LeafUp, true},
		{DeviceTopic(devA, LeafState), devA, LeafState, true},
		{DeviceTopic(devA, LeafDown), devA, LeafDown, true},
		{DeviceTopic(devA, "other"), "", "", false},
		{TopicPrefix + "+/up", "", "", false},
		{TopicPrefix + devA + "/up/x", "", "", false},
		{TopicPrefix + "/up", "", "", false},
		{"mypos/v2/dev/" + devA + "/up", "", "", false},
	} {
		id, leaf, ok := ParseDeviceTopic(tt.topic)
		if id != tt.id || leaf != tt.leaf || ok != tt.ok {
			t.Errorf("ParseDeviceTopic(%q)=%q,%q,%v, want %q,%q,%v", tt.topic, id, leaf, ok, tt.id, tt.leaf, tt.ok)
		}
	}
	if got, want := DeviceTopic("d", LeafUp), "mypos/v1/dev/d/up"; got != want {
		t.Fatalf("DeviceTopic=%q, want %q", got, want)
	}
}

// ExampleDeviceTopic shows the topics of one device.
func ExampleDeviceTopic() {
	fmt.Println(DeviceTopic("0190c0de-0000-7000-8000-00000000000a", LeafUp))
	// Output: mypos/v1/dev/0190c0de-0000-7000-8000-00000000000a/up
}
