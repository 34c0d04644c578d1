package cabinet

// The summary's chart: each day's revenue as a bar, drawn by the template
// as SVG. The SVG stretches to its box (preserveAspectRatio="none"), so
// the bars fill any width, from a phone's to a desktop's; its words — the
// highest amount, the first and last day — are HTML around it, readable
// at any width, and every figure is in the table under it too.

// chartHeight is the chart's height in its own units: bars are measured
// in thousandths of the highest day.
const chartHeight = 1000

// barStep is a day's width in the chart's units, and barWidth its bar's:
// the rest is the gap between bars.
const (
	barStep  = 10
	barWidth = 8
	// barMin is the least height of a day with sales, so a small day
	// still shows against a big one.
	barMin = 6
)

// chart is the bars of a period, one a day, and what its axis says.
type chart struct {
	Width, Height int
	Bars          []bar
	Max           int64 // the highest day's revenue, kopecks
	First, Last   string
	Grid          []int // heights of the guide lines
}

// bar is a day: X, Y, W, H in the chart's units.
type bar struct {
	X, Y, W, H int
	daySums
}

func newChart(days []daySums) chart {
	c := chart{Width: len(days) * barStep, Height: chartHeight, Grid: []int{chartHeight / 4, chartHeight / 2, chartHeight * 3 / 4}}
	if len(days) == 0 {
		return c
	}
	c.First, c.Last = days[0].Day, days[len(days)-1].Day
	for _, d := range days {
		c.Max = max(c.Max, d.Total)
	}
	for i, d := range days {
		h := 0
		if d.Total > 0 {
			// A float: a drawing needs no kopeck, and total × height
			// could leave int64.
			h = max(int(float64(d.Total)/float64(c.Max)*chartHeight), barMin)
		}
		c.Bars = append(c.Bars, bar{X: i*barStep + (barStep-barWidth)/2, Y: chartHeight - h, W: barWidth, H: h, daySums: d})
	}
	return c
}
