package report

import (
	"os"
	"testing"
)

func TestScratchPNG(t *testing.T) {
	doc := synthReport(t, 40, 90)
	b := newBuilder(doc, HTMLOptions{})
	cs, err := b.emailCharts()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		os.WriteFile("/tmp/email-"+c.Name+".png", c.PNG, 0o644)
		t.Log(c.Name, len(c.PNG))
	}
}
