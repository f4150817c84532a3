// The Grasp tab of the canvas app (wasm/grasp_tab.cpp): two brushes (hand, object), both
// grasp models' canonical pairs and estimated shifts.
#pragma once

// Draws the tab's contents inside the app's window (between BeginTabItem and EndTabItem).
void grasp_tab();
