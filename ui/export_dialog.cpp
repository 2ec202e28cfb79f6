#include "ui/export_dialog.hpp"

#include "ui/exporter.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>

namespace forkscope::ui {

namespace {

QString tr(const char *text) { return QCoreApplication::translate("ExportDialog", text); }

} // namespace

bool askExportChoice(QWidget *parent, const QString &title, bool timeline, ExportChoice &choice)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto *form = new QFormLayout(&dialog);
    auto *size = new QComboBox;
    size->addItem(tr("1920 × 1080 (16:9)"), QSize(kExportSizeWide));
    size->addItem(tr("1600 × 1200 (4:3)"), QSize(kExportSizeClassic));
    size->setCurrentIndex(choice.sizeIndex);
    auto *scale = new QComboBox;
    scale->addItems({QStringLiteral("1×"), QStringLiteral("2×"), QStringLiteral("3×")});
    scale->setCurrentIndex(choice.scale - 1);
    scale->setToolTip(tr("PNG only: pixels per point"));
    auto *what = new QComboBox;
    what->addItem(tr("The whole run"));
    what->addItem(tr("What is in view now (time window and lanes)"));
    what->setEnabled(timeline);
    auto *dark = new QCheckBox(tr("Dark slide"));
    dark->setChecked(choice.dark);
    dark->setToolTip(tr("Slides are light, whatever the window's theme, unless you choose dark here"));
    dark->setEnabled(timeline);
    auto *details = new QCheckBox(tr("Details: pids, tids, process headers, printed lines"));
    details->setChecked(choice.details);
    details->setEnabled(timeline);
    form->addRow(tr("Size"), size);
    form->addRow(tr("PNG scale"), scale);
    form->addRow(tr("Show"), what);
    form->addRow(QString(), dark);
    form->addRow(QString(), details);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    choice.sizeIndex = size->currentIndex();
    choice.size = size->currentData().toSize();
    choice.scale = scale->currentIndex() + 1;
    choice.inView = what->currentIndex() == 1;
    choice.dark = dark->isChecked();
    choice.details = details->isChecked();
    return true;
}

} // namespace forkscope::ui
