"""Every size the charts use, in SVG user units (the viewBox scales to the container)."""

WIDTH = 640  # every chart's viewBox is this wide; heights follow the data
FONT_FAMILY = "Helvetica, Arial, sans-serif"  # charts.css swaps in the page font
FONT = 14  # labels: 16.8 px at the 48rem a chart is shown at (the body text is 16 px)
SMALL = 13.5  # axis ticks, notes: 16.2 px at 48rem
CHAR_W = 0.52  # average glyph width in em, to truncate labels that would not fit
PAD = 8

# Trend (line chart)
TREND_HEIGHT = 300
TREND_LEFT = 40  # room for the 0–100 tick labels
TREND_RIGHT = 28
TREND_TOP = 34  # room for the CI note and the top value labels
TREND_BOTTOM = 40  # room for the period labels
TREND_LEGEND_ROW = 22
TREND_LEGEND_ITEM = 180
TREND_MAX_PERIODS = 8
TREND_TICKS = (0, 25, 50, 75, 100)
LINE_WIDTH = 2.5
MARKER = 4.5  # marker radius
LABEL_GAP = 15  # smallest vertical gap between value labels of one period

# Horizontal bars (dimensions, segments)
BAR_LABEL_X = PAD
BAR_X0 = 206  # where 0 sits
BAR_SCALE = 250  # width of 0–100
BAR_RIGHT_X = 500  # the change / n column
BAR_TOP = 32  # room for the scale ticks
BAR_ROW = 34
BAR_HEIGHT = 14
BAR_TICKS = (0, 25, 50, 75, 100)
CAP = 4  # half height of a whisker cap
GLYPH = 5  # half size of a change arrow

# Heat map
HEAT_LABEL_W = 184
HEAT_INDENT = 14
HEAT_HEADER = 48  # two lines of column labels
HEAT_ROW = 34
HEAT_GAP = 2  # white gap between cells
HEAT_SWATCH = 16
HATCH = 6  # hatch pattern tile

# Participation bar
GAUGE_HEIGHT = 58
GAUGE_BAR_Y = 28
GAUGE_BAR_H = 16
