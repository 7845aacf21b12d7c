#pragma once

#include <nlohmann/json.hpp>

#include <QMap>
#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;
class QStackedWidget;

namespace neurino {

class GraphEditor;
class ParamEditor;

// The properties of the selected layer, generated from the LayerRegistry: its name, an editor per
// parameter with the parameter's range and help, its output shape, parameter count and problems, and the
// paragraph that explains the layer. Every change goes through the editor at once, as one undo step.
// With nothing selected it describes the model.
class PropertyPanel : public QWidget {
    Q_OBJECT

public:
    explicit PropertyPanel(GraphEditor* editor, QWidget* parent = nullptr);

    // The selection on the canvas: one layer shows its properties, none the model, several a count.
    void showSelection(const QStringList& nodeIds);
    const QString& nodeId() const { return m_nodeId; }

    ParamEditor* paramEditor(const QString& param) const { return m_editors.value(param); }
    QLineEdit* nameEdit() const { return m_name; }
    // Puts the keyboard in the name field (double-click on a layer, F2).
    void focusName();

private:
    void buildNodePage(const QString& id);
    void refreshValues();
    void refreshInfo();
    void refreshModelPage();
    void applyParam(const QString& param, const nlohmann::json& value);
    void applyName();

    GraphEditor* m_editor;
    QString m_nodeId;
    QString m_kind;
    QMap<QString, ParamEditor*> m_editors;

    QStackedWidget* m_pages;
    // Model page (nothing or several selected).
    QLabel* m_modelText;
    // Layer page.
    QWidget* m_nodePage;
    QLabel* m_title;
    QLineEdit* m_name;
    QWidget* m_formHost;
    QFormLayout* m_form;
    QLabel* m_info;
    QLabel* m_explanation;
    QLabel* m_message;
};

} // namespace neurino
