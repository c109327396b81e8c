// Package html writes a meeting's interactive report, and a period's fleet
// report (WriteFleet, from report.Fleet): each one HTML file that
// opens with no network (the ECharts runtime inlined from assets/echarts,
// npm's echarts@5.4.3; each chart's option built with go-echarts), every
// string from Zoom escaped and isolated.
//
// It draws from report's view model (report.NewView), which the e-mail
// shares, and adds what only the page shows: the charts and the heatmap,
// the percentile tables, Zoom's own view of each session and the table of
// its ratings against zoomqos's. It must not import report/email,
// report/export or anything of the command line.
//
// The package is named html, as golang.org/x/net/html is: the one file
// that needs the standard library's html too names that one stdhtml.
package html
