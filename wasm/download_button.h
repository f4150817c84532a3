// The Download button of the Draw, Grasp and Depth tabs: disabled until there is a result,
// remembered as `name` for the tests, its tooltip saying what the file holds; a press asks
// the page for download `what` (web/app.js's list of downloads).
#pragma once

void download_button(const char* name, bool ready, int what, const char* tip);
