"""Programs: what a pulse program is (``service``), when its rounds are sent (``timing``: the
pure date maths), which questions they ask (``rotation``), the periodic tick that launches and
closes them (``scheduler``), and the program pages and API."""
