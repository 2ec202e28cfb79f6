#pragma once

#include <QSize>
#include <QString>

class QWidget;

namespace forkscope::ui {

/// What the export dialog asks for before the file name.
struct ExportChoice {
    int sizeIndex = 0;    ///< 0: 1920×1080 (16:9), 1: 1600×1200 (4:3)
    QSize size;           ///< the picture's size in points
    int scale = 1;        ///< PNG pixels per point: 1, 2 or 3
    bool inView = false;  ///< the timeline as it is in view (time window and lanes), not the whole run
    bool dark = false;    ///< a dark slide (light by default, whatever the window's theme)
    bool details = false; ///< pids, tids, process headers and printed lines on the slide
};

/// Asks for the picture's size, PNG scale and (for the timeline) whole run or what is in view, light or
/// dark, and whether to show details, starting from `choice`; false if cancelled. `timeline`: the picture
/// is the timeline, so the view, theme and details can be chosen.
bool askExportChoice(QWidget *parent, const QString &title, bool timeline, ExportChoice &choice);

} // namespace forkscope::ui
