// The parameters panel on its own: one editor per parameter, refusing what is out of range as it is typed,
// and the values checked together (as the command line checks them) as they are edited.

#include "ui/parameter_form.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>
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
