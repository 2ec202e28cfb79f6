// The parameters panel on its own: one editor per parameter; what is typed out of range becomes the nearest
// value allowed, with a note saying so; the values checked together (as the command line checks them) as
// they are edited; each scenario's values kept while another is shown.

#include "ui/parameter_form.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>
#include <gtest/gtest.h>

using namespace forkscope;
using namespace forkscope::ui;

TEST(ParameterForm, BuildsOneEditorPerParameterAtItsDefault)
{
    const core::Scenario &sleepers = *core::findScenario("sleepers");
    ParameterForm form;
    form.setScenario(sleepers);
    ASSERT_EQ(form.values().size(), sleepers.params.size());
    for (const core::ParamSpec &spec : sleepers.params) {
        QWidget *editor = form.findChild<QWidget *>(QString::fromStdString(spec.name));
        ASSERT_NE(editor, nullptr) << spec.name;
        EXPECT_EQ(qobject_cast<QComboBox *>(editor) != nullptr, spec.type == core::ParamSpec::Type::Choice)
            << spec.name;
        EXPECT_EQ(form.values().at(spec.name), spec.defaultValue) << spec.name;
    }
    EXPECT_TRUE(form.valid());
    // Another scenario replaces the editors.
    form.setScenario(*core::findScenario("bank"));
    EXPECT_EQ(form.findChild<QSpinBox *>(QStringLiteral("workers")), nullptr);
    ASSERT_NE(form.findChild<QDoubleSpinBox *>(QStringLiteral("think")), nullptr);
    EXPECT_EQ(form.values().at("think"), "0.0005") << "small values survive the editor's rounding";
}

TEST(ParameterForm, ChecksTheValuesTogetherAsTheyAreEdited)
{
    ParameterForm form;
    bool lastValid = true;
    QObject::connect(&form, &ParameterForm::validityChanged, [&](bool valid) { lastValid = valid; });
    form.setScenario(*core::findScenario("sleepers"));
    EXPECT_TRUE(lastValid);
    EXPECT_FALSE(form.setValue(QStringLiteral("workers"), QStringLiteral("5000")))
        << "out of the editor's range";
    EXPECT_FALSE(form.setValue(QStringLiteral("kind"), QStringLiteral("fiber")));
    EXPECT_FALSE(form.setValue(QStringLiteral("nope"), QStringLiteral("1")));
    EXPECT_NE(
        form.problem(QStringLiteral("workers"), QStringLiteral("5000")).find("an integer from 1 to 1024"),
        std::string::npos);

    ASSERT_TRUE(form.setValue(QStringLiteral("kind"), QStringLiteral("process")));
    ASSERT_TRUE(form.setValue(QStringLiteral("workers"), QStringLiteral("300")));
    EXPECT_FALSE(lastValid) << "300 processes are over the limit, though each value is in its editor's range";
    EXPECT_FALSE(form.valid());
    bool shown = false;
    for (const QLabel *label : form.findChildren<QLabel *>())
        shown = shown || (!label->isHidden() && label->text().contains(QStringLiteral("256")));
    EXPECT_TRUE(shown) << "the limit is named under the editors";
    ASSERT_TRUE(form.setValue(QStringLiteral("kind"), QStringLiteral("thread")));
    EXPECT_TRUE(lastValid) << "300 threads are fine";
    EXPECT_EQ(form.values().at("workers"), "300");
}

namespace {

/// Types `text` into `name`'s editor as a person would (select all, type) and leaves it with Return.
void typeInto(ParameterForm &form, const char *name, const QString &text)
{
    auto *spin = form.findChild<QAbstractSpinBox *>(QString::fromLatin1(name));
    ASSERT_NE(spin, nullptr) << name;
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, text);
    QTest::keyClick(spin, Qt::Key_Return);
}

} // namespace

TEST(ParameterForm, TypedValuesOutOfRangeBecomeTheNearestAllowedAndSaySo)
{
    ParameterForm form;
    form.setScenario(*core::findScenario("sleepers")); // workers 1..1024, sleep 0..3600
    form.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&form));
    const auto text = [&](const char *name) {
        return form.findChild<QAbstractSpinBox *>(QString::fromLatin1(name))->text();
    };

    // A minus sign is not swallowed: -5 is below the least allowed, so 1 runs, and the note says why.
    typeInto(form, "workers", QStringLiteral("-5"));
    EXPECT_EQ(form.values().at("workers"), "1");
    EXPECT_EQ(text("workers"), QStringLiteral("1")) << "the editor shows the value that will run";
    EXPECT_TRUE(
        form.notes().contains(QStringLiteral("workers: -5 is below the least allowed, 1, so 1 will run")))
        << form.notes().toStdString();
    auto *note = form.findChild<QLabel *>(QStringLiteral("parameterNotes"));
    ASSERT_NE(note, nullptr);
    EXPECT_TRUE(note->isVisible());
    EXPECT_EQ(note->text(), form.notes());

    // Too many digits are not dropped: 99999 becomes the most allowed.
    typeInto(form, "workers", QStringLiteral("99999"));
    EXPECT_EQ(form.values().at("workers"), "1024");
    EXPECT_TRUE(form.notes().contains(
        QStringLiteral("workers: 99999 is above the most allowed, 1024, so 1024 will run")))
        << form.notes().toStdString();

    // A small number keeps its digits: 0.0005 s is 0.0005 s, not 0.000.
    typeInto(form, "sleep", QStringLiteral("0.0005"));
    EXPECT_EQ(form.values().at("sleep"), "0.0005");
    EXPECT_EQ(text("sleep"), QStringLiteral("0.0005"));
    EXPECT_FALSE(form.notes().contains(QStringLiteral("sleep"))) << "nothing changed, nothing to say";
    // Finer than the editor keeps: rounded, and said.
    typeInto(form, "sleep", QStringLiteral("0.00000012"));
    EXPECT_EQ(form.values().at("sleep"), "0");
    EXPECT_TRUE(
        form.notes().contains(QStringLiteral("sleep: 0.00000012 has more than 6 decimals, so 0 will run")))
        << form.notes().toStdString();

    // A value in range typed afterwards clears its note.
    typeInto(form, "workers", QStringLiteral("7"));
    EXPECT_EQ(form.values().at("workers"), "7");
    EXPECT_FALSE(form.notes().contains(QStringLiteral("workers")));
    EXPECT_TRUE(form.valid());
}

TEST(ParameterForm, RunTakesWhatIsBeingTyped)
{
    ParameterForm form;
    form.setScenario(*core::findScenario("sleepers"));
    form.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&form));
    auto *spin = form.findChild<QAbstractSpinBox *>(QStringLiteral("workers"));
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, QStringLiteral("5000")); // still in the editor, not yet left
    EXPECT_TRUE(form.notes().contains(QStringLiteral("5000 is above the most allowed, 1024")))
        << "said while typing, before the editor is left";
    form.commitEdits();
    EXPECT_EQ(form.values().at("workers"), "1024");
}

TEST(ParameterForm, EachScenarioKeepsItsValuesWhileAnotherIsShown)
{
    ParameterForm form;
    form.setScenario(*core::findScenario("bank"));
    ASSERT_TRUE(form.setValue(QStringLiteral("trials"), QStringLiteral("37")));
    ASSERT_TRUE(form.setValue(QStringLiteral("kind"), QStringLiteral("thread")));
    ASSERT_TRUE(form.setValue(QStringLiteral("think"), QStringLiteral("0.0002")));
    form.setScenario(*core::findScenario("sleepers"));
    ASSERT_TRUE(form.setValue(QStringLiteral("workers"), QStringLiteral("9")));
    form.setScenario(*core::findScenario("bank"));
    EXPECT_EQ(form.values().at("trials"), "37") << "the bank's parameters are as they were left";
    EXPECT_EQ(form.values().at("kind"), "thread");
    EXPECT_EQ(form.values().at("think"), "0.0002");
    form.setScenario(*core::findScenario("sleepers"));
    EXPECT_EQ(form.values().at("workers"), "9");
    // What the window saves: every scenario's values, the one shown included.
    const auto all = form.rememberedValues();
    EXPECT_EQ(all.at("bank").at("trials"), "37");
    EXPECT_EQ(all.at("sleepers").at("workers"), "9");
}
