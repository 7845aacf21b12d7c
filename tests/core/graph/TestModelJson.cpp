// The model file format: exact round trips, and a specific message for every way a file can be wrong.
#include "core/graph/ModelJson.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

using namespace neurino;

namespace {

// The model's load error, or its validation problems, as one text; empty when the file is fine.
std::string problemsOf(const std::string& path)
{
    try {
        const ModelGraph g = loadModel(path);
        return formatIssues(g, g.validate());
    } catch (const Error& e) {
        return e.what();
    }
}

} // namespace

class TestModelJson : public QObject {
    Q_OBJECT

private slots:
    void templatesRoundTripExactly_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : { "xor_mlp", "shapes_dense", "shapes_cnn", "higgs_shallow", "higgs_deep",
                 "calo_gan_generator", "calo_gan_discriminator" })
            QTest::newRow(n) << n;
    }

    void templatesRoundTripExactly()
    {
        QFETCH(QString, name);
        const ModelGraph g = loadModel(test::templateFile(name.toStdString()));
        const std::string text = modelToString(g);
        const ModelGraph again = modelFromString(text);
        QVERIFY(again == g);
        QCOMPARE(modelToString(again), text);
    }

    void editedGraphRoundTrips()
    {
        ModelGraph g;
        g.setName("branches");
        g.setDescription("two inputs, a skip connection and a concat");
        g.addNode("Input", { { "shape", { 3, 16, 16 } } }, "image", 12.5, -3.25);
        g.addNode("Input", { { "shape", { 1 } } }, "energy", 0.1, 1e-7);
        g.addNode("Conv2D",
            { { "filters", 3 }, { "kernel_size", { 3, 5 } }, { "padding", { "same", "same" } } }, "conv");
        g.addNode("Add", {}, "skip");
        g.addNode("Flatten", {}, "flat");
        g.addNode("Concat", { { "axis", -1 } }, "cat");
        g.addNode("Dense",
            { { "units", 1 }, { "activation", "sigmoid" }, { "kernel_initializer", "he_normal" } }, "head");
        g.setNodeName("head", "classifier head");
        g.connect("image", "conv");
        g.connect("image", "skip");
        g.connect("conv", "skip");
        g.connect("skip", "flat");
        g.connect("energy", "cat", 1);
        g.connect("flat", "cat", 0);
        g.connect("cat", "head");
        QVERIFY2(g.validate().empty(), formatIssues(g, g.validate()).c_str());
        // "same" on both axes is stored in its short form; the graph stays equal either way.
        QCOMPARE(g.node("conv").layer.params.at("padding"), nlohmann::json("same"));

        QTemporaryDir dir;
        const std::string path = dir.filePath("branches.neurino.json").toStdString();
        saveModel(g, path);
        const ModelGraph loaded = loadModel(path);
        QCOMPARE(modelToString(loaded), modelToString(g));
        QVERIFY(loaded == g);
        QCOMPARE(loaded.inputsOf("cat"), (std::vector<std::string> { "flat", "energy" }));
        QCOMPARE(loaded.node("head").name, std::string("classifier head"));
        QCOMPARE(loaded.node("energy").y, 1e-7);
    }

    void savingIsAtomic()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("m.neurino.json").toStdString();
        const ModelGraph g = loadModel(test::templateFile("higgs_deep"));
        saveModel(g, path);
        saveModel(g, path);
        QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path().toStdString()),
                     std::filesystem::directory_iterator()),
            std::ptrdiff_t(1));
        // A directory in the way cannot be replaced: the error names the file and the old content survives.
        const std::string blocked = dir.filePath("blocked.neurino.json").toStdString();
        std::filesystem::create_directories(blocked + "/inside");
        try {
            saveModel(g, blocked);
            QFAIL("saving over a directory must fail");
        } catch (const IoError& e) {
            QVERIFY(std::string(e.what()).find(blocked) != std::string::npos);
        }
        QVERIFY(std::filesystem::is_directory(blocked + "/inside"));
    }

    void missingFile()
    {
        QVERIFY(problemsOf("/nonexistent/model.neurino.json")
                    .find("cannot open '/nonexistent/model.neurino.json'")
            != std::string::npos);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        const std::vector<std::pair<const char*, const char*>> cases = {
            { "not_json", "not_json.neurino.json: not valid JSON" },
            // nlohmann throws out_of_range, not parse_error, for it (found by fuzz_model_json).
            { "number_overflow", "number_overflow.neurino.json: not valid JSON" },
            { "not_object", "a model file must hold a JSON object" },
            { "wrong_format", "field 'format' must be \"neurino-model\"; this is not a Neurino model file" },
            { "missing_version", "field 'version' is missing or not a whole number" },
            // 2^32 + 1: read as an int it wrapped to 1 and passed as version 1.
            { "wrapped_version", "field 'version' is missing or not a whole number" },
            { "future_version",
                "format version 2 is not supported; this Neurino reads version 1 (update Neurino)" },
            { "missing_nodes", "field 'nodes' must be a list of layer nodes" },
            { "unknown_top_field", "unknown field 'layers'" },
            { "node_not_object", "node 2: must be a JSON object with 'id' and 'kind'" },
            { "node_without_id", "node 2: field 'id' is missing" },
            { "duplicate_id", "node 'input': the id is used twice" },
            { "node_without_kind", "node 'dense': field 'kind' is missing" },
            { "unknown_kind", "node 'dense': unknown layer kind 'Dens' (did you mean 'Dense'?)" },
            { "unknown_parameter",
                "node 'dense' (Dense): Dense has no parameter 'activaton' (did you mean 'activation'?)" },
            { "missing_parameter", "node 'dense' (Dense): parameter 'units' of Dense is missing" },
            { "ill_typed_parameter",
                "node 'dense' (Dense): parameter 'units' of Dense must be a whole number, not \"many\"" },
            { "out_of_range_units",
                "node 'dense' (Dense): parameter 'units' of Dense is 0 but must be between 1 and" },
            { "out_of_range_rate",
                "node 'dense' (Dropout): parameter 'rate' of Dropout is 1.5 but must be between 0 and 0.99" },
            { "bad_choice", "parameter 'activation' of Dense is 'relux' but must be one of linear, relu" },
            { "params_not_object", "node 'dense' (Dense): the parameters of Dense must be a JSON object" },
            { "input_rank_too_large",
                "node 'input' (Input): parameter 'shape' of Input must be a list of 1 to 8" },
            { "negative_input_dimension",
                "node 'input' (Input): parameter 'shape' of Input is -32 but must be between 1" },
            { "bad_kernel_pair",
                "node 'conv' (Conv2D): parameter 'kernel_size' of Conv2D must be a whole number or a pair" },
            { "bad_position", "node 'dense' (Dense): field 'position' must be [x, y]" },
            { "edge_to_nowhere", "edge 2: goes to 'outptu', which is not a node of the model" },
            { "edge_from_nowhere", "edge 1: comes from 'inptu', which is not a node of the model" },
            { "edge_without_to", "edge 1: field 'to' is missing" },
            { "wrapped_port", "edge 1: field 'port' must be a whole number from 0" },
            { "edge_into_input", "edge 3: node 'input' is an Input and takes no incoming connection" },
            { "cycle", "node 'dense' is part of a cycle" },
            { "add_shape_mismatch",
                "node 'sum' (Add): Add needs inputs of the same shape but gets (3,) and (5,)" },
            { "concat_shape_mismatch",
                "node 'cat' (Concat): Concat along axis 0 needs all other axes equal" },
            { "dense_on_image",
                "node 'dense' (Dense): Dense needs a flat vector input but gets (1, 32, 32); add a Flatten" },
            { "reshape_mismatch",
                "node 'dense' (Reshape): cannot reshape (4,) (4 values) into (3, 3) (9 values)" },
            { "no_input", "the model has no Input node" },
        };
        for (const auto& [file, message] : cases)
            QTest::newRow(file) << file << message;
    }

    void malformed()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        const std::string path
            = test::sourcePath("tests/data/malformed/" + file.toStdString() + ".neurino.json");
        QVERIFY2(std::filesystem::exists(path), path.c_str());
        const std::string problems = problemsOf(path);
        QVERIFY2(problems.find(message.toStdString()) != std::string::npos, problems.c_str());
    }

    void everyMalformedFileIsCovered()
    {
        int files = 0;
        for (const auto& entry :
            std::filesystem::directory_iterator(test::sourcePath("tests/data/malformed"))) {
            ++files;
            QVERIFY2(!problemsOf(entry.path().string()).empty(), entry.path().c_str());
        }
        QVERIFY(files >= 20);
    }
};

NEURINO_TEST_MAIN(TestModelJson)
#include "TestModelJson.moc"
