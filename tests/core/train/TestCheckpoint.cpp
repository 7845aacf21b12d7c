// Checkpoints: a full round trip, resume equals an uninterrupted run, and clear errors for truncated,
// foreign and missing files.
#include "core/train/Checkpoint.h"
#include "core/train/Trainer.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "tests/core/train/TrainTestData.h"

#include "tests/TestMain.h"
#include <H5Cpp.h>
#include <QTemporaryDir>

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

using namespace neurino;

namespace {

TrainConfig resumableConfig(const std::string& optimizer)
{
    TrainConfig c;
    c.optimizer.name = optimizer;
    c.optimizer.learningRate = optimizer == "sgd" ? 0.05 : 0.01;
    c.optimizer.momentum = optimizer == "sgd" || optimizer == "rmsprop" ? 0.5 : 0.0;
    c.epochs = 6;
    c.batchSize = 16;
    c.validationSplit = 0.2;
    c.schedule.kind = "plateau";
    c.schedule.patience = 0;
    c.schedule.factor = 0.7;
    c.earlyStopping.enabled = true;
    c.earlyStopping.patience = 100;
    c.seed = 77;
    c.threads = 1;
    return c;
}

std::string tempPath(const QTemporaryDir& dir, const std::string& name)
{
    return dir.filePath(QString::fromStdString(name)).toStdString();
}

void expectIoError(const std::string& path, const QString& message)
{
    try {
        loadCheckpoint(path);
        QFAIL("no error");
    } catch (const IoError& e) {
        QVERIFY2(QString(e.what()).contains(message), e.what());
        QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
    }
}

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        Trainer trainer(test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } }, 0.2), resumableConfig("nadam"));
        trainer.setData(test::xorData());
        trainer.setDataSource("xor.h5", "features", "targets");
        trainer.setEpochs(2);
        trainer.fit();
        const Checkpoint saved = trainer.checkpoint();
        const std::string path = tempPath(dir, "run.h5");
        saveCheckpoint(path, saved);
        const Checkpoint back = loadCheckpoint(path);
        QVERIFY(back.graph == saved.graph);
        QCOMPARE(back.config.toJson(), saved.config.toJson());
        QCOMPARE(back.epoch, 2);
        QCOMPARE(back.seed, std::uint64_t(77));
        QVERIFY(back.history == saved.history);
        QCOMPARE(back.optimizerName, std::string("nadam"));
        QCOMPARE(back.learningRate, saved.learningRate);
        QCOMPARE(back.data.featuresPath, std::string("features"));
        QCOMPARE(back.data.size, std::int64_t(400));
        QVERIFY(back.standardizer.mean().equal(saved.standardizer.mean()));
        QVERIFY(back.rngState.equal(saved.rngState));
        QCOMPARE(back.weights.size(), saved.weights.size());
        for (const auto& [node, params] : saved.weights)
            for (const auto& [name, t] : params)
                QVERIFY(back.weights.at(node).at(name).equal(t));
        for (const auto& [param, states] : saved.optimizerState)
            for (const auto& [name, t] : states)
                QVERIFY2(back.optimizerState.at(param).at(name).equal(t), (param + " " + name).c_str());
        QVERIFY(!saved.optimizerState.at("dense_1/weight").at("exp_avg").equal(torch::zeros({ 8, 2 })));
        // The model rebuilt from the file predicts what the trainer's does.
        GraphModule module = moduleFromCheckpoint(back);
        const torch::Tensor x = torch::randn({ 5, 2 });
        trainer.module()->eval();
        QVERIFY(torch::allclose(module->forward(x), trainer.module()->forward(x)));
    }

    void resumeEqualsUninterrupted_data()
    {
        QTest::addColumn<QString>("optimizer");
        for (const char* name : { "sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam" })
            QTest::newRow(name) << name;
    }

    void resumeEqualsUninterrupted()
    {
        QFETCH(QString, optimizer);
        const ModelGraph g = test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } }, /*dropout=*/0.25);
        const TrainConfig config = resumableConfig(optimizer.toStdString());
        const auto data = test::xorData();

        Trainer whole(g, config);
        whole.setData(data);
        whole.fit();

        QTemporaryDir dir;
        const std::string path = tempPath(dir, "checkpoint.h5");
        {
            Trainer first(g, config);
            first.setData(data);
            first.setEpochs(3);
            first.fit();
            saveCheckpoint(path, first.checkpoint());
            // Disturb the global generator as another run in the same process would.
            torch::rand({ 100 });
        }
        Trainer resumed(loadCheckpoint(path), config);
        resumed.setData(data);
        resumed.fit();

        QCOMPARE(resumed.history().series("loss"), whole.history().series("loss"));
        QCOMPARE(resumed.history().series("val_loss"), whole.history().series("val_loss"));
        QCOMPARE(resumed.history().series("lr"), whole.history().series("lr"));
        const NodeTensors a = copyWeights(whole.module()), b = copyWeights(resumed.module());
        for (const auto& [node, params] : a)
            for (const auto& [name, t] : params)
                QVERIFY2(b.at(node).at(name).equal(t), (node + "." + name).c_str());
    }

    void resumeRefusesOtherData()
    {
        QTemporaryDir dir;
        Trainer first(test::mlp(2, { { 1, "sigmoid" } }), resumableConfig("adam"));
        first.setData(test::xorData());
        first.setEpochs(1);
        first.fit();
        const std::string path = tempPath(dir, "c.h5");
        saveCheckpoint(path, first.checkpoint());
        Trainer resumed(loadCheckpoint(path));
        try {
            resumed.setData(test::xorData(300));
            QFAIL("no error");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains("resume with the same dataset"), e.what());
        }
        TrainConfig other = resumableConfig("sgd");
        QVERIFY_THROWS_EXCEPTION(TrainError, Trainer(loadCheckpoint(path), other));
    }

    void truncatedFile()
    {
        QTemporaryDir dir;
        Trainer trainer(test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } }), resumableConfig("adam"));
        trainer.setData(test::xorData());
        const std::string path = tempPath(dir, "full.h5");
        saveCheckpoint(path, trainer.checkpoint());
        const std::string cut = tempPath(dir, "cut.h5");
        const auto size = std::filesystem::file_size(path);
        std::ifstream in(path, std::ios::binary);
        std::vector<char> bytes(size / 2);
        in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::ofstream(cut, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        expectIoError(cut, "truncated");
    }

    void foreignFile()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "foreign.h5");
        {
            H5::H5File file(path, H5F_ACC_TRUNC);
            const hsize_t dims[1] = { 3 };
            const float values[3] = { 1, 2, 3 };
            file.createDataSet("ECAL", H5::PredType::NATIVE_FLOAT, H5::DataSpace(1, dims))
                .write(values, H5::PredType::NATIVE_FLOAT);
        }
        expectIoError(path, "not a Neurino checkpoint");
        const std::string text = tempPath(dir, "notes.h5");
        std::ofstream(text) << "not HDF5 at all";
        expectIoError(text, "not a readable HDF5 file");
    }

    void missingFile() { expectIoError("/nonexistent/run/checkpoint.h5", "does not exist"); }

    void savingIsAtomic()
    {
        QTemporaryDir dir;
        Trainer trainer(test::mlp(2, { { 1, "sigmoid" } }), resumableConfig("adam"));
        trainer.setData(test::xorData());
        const std::string path = tempPath(dir, "c.h5");
        saveCheckpoint(path, trainer.checkpoint());
        const auto before = std::filesystem::file_size(path);
        // A folder in the way of the file: writing fails, the old file stays, no temporary is left.
        QVERIFY_THROWS_EXCEPTION(
            IoError, saveCheckpoint(tempPath(dir, "missing/c.h5"), trainer.checkpoint()));
        QCOMPARE(std::filesystem::file_size(path), before);
        int files = 0;
        for ([[maybe_unused]] const auto& entry :
            std::filesystem::directory_iterator(dir.path().toStdString()))
            ++files;
        QCOMPARE(files, 1);
    }

    // A byte flipped anywhere (the seal's magic, its checksum, the superblock, the weights, the last byte)
    // is refused from the raw bytes, before libhdf5 parses the file, with a message naming the file.
    void flippedByteIsRefused_data()
    {
        QTest::addColumn<qint64>("offset"); // from the start; negative: from the end
        QTest::newRow("magic") << qint64(2);
        QTest::newRow("checksum field") << qint64(58);
        QTest::newRow("superblock") << qint64(512 + 9);
        QTest::newRow("middle") << qint64(-4000);
        QTest::newRow("last byte") << qint64(-1);
    }
    void flippedByteIsRefused()
    {
        QFETCH(qint64, offset);
        QTemporaryDir dir;
        Trainer trainer(test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } }), resumableConfig("adam"));
        trainer.setData(test::xorData());
        const std::string path = tempPath(dir, "c.h5");
        saveCheckpoint(path, trainer.checkpoint());
        QCOMPARE(loadCheckpoint(path).epoch, 0);
        const auto size = static_cast<qint64>(std::filesystem::file_size(path));
        const qint64 at = offset >= 0 ? offset : size + offset;
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(at);
        char byte = 0;
        f.read(&byte, 1);
        byte = static_cast<char>(byte ^ 0x01);
        f.seekp(at);
        f.write(&byte, 1);
        f.close();
        expectIoError(path, "is damaged");
    }

    // Weights changed where the seal cannot speak for them (a file rewritten by another program, which
    // left no seal) are refused by the checksum of the weights; put back as they were, they load.
    void changedWeightsAreRefusedWithoutTheSeal()
    {
        QTemporaryDir dir;
        Trainer trainer(test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } }), resumableConfig("adam"));
        trainer.setData(test::xorData());
        const std::string path = tempPath(dir, "c.h5");
        const Checkpoint saved = trainer.checkpoint();
        saveCheckpoint(path, saved);
        const std::string node = saved.weights.begin()->first;
        const std::string param = saved.weights.begin()->second.begin()->first;
        const auto changeFirstWeight = [&](float by) {
            H5::H5File file(path, H5F_ACC_RDWR);
            H5::DataSet dataset = file.openGroup("weights").openGroup(node).openDataSet(param);
            std::vector<float> values(static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints()));
            dataset.read(values.data(), H5::PredType::NATIVE_FLOAT);
            values[0] += by;
            dataset.write(values.data(), H5::PredType::NATIVE_FLOAT);
        };
        changeFirstWeight(0.5f);
        {
            std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
            const std::string zeros(512, '\0');
            f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
        }
        expectIoError(path, "the checksum of its weights in '/weights' does not match them");
        changeFirstWeight(-0.5f);
        const Checkpoint loaded = loadCheckpoint(path);
        QVERIFY(torch::equal(loaded.weights.at(node).at(param), saved.weights.at(node).at(param)));
    }

    // h5py reads the sealed file (the seal lives in HDF5's user block); strings are fixed-length.
    void sealedFileIsPlainHdf5WithFixedLengthStrings()
    {
        QTemporaryDir dir;
        Trainer trainer(test::mlp(2, { { 1, "sigmoid" } }), resumableConfig("adam"));
        trainer.setData(test::xorData());
        const std::string path = tempPath(dir, "c.h5");
        saveCheckpoint(path, trainer.checkpoint());
        QVERIFY(readTextFile(path).rfind("NEURINO-H5\n", 0) == 0);
        H5::H5File file(path, H5F_ACC_RDONLY);
        QCOMPARE(file.getCreatePlist().getUserblock(), hsize_t(512));
        const H5::Attribute format = file.openGroup("/").openAttribute("format");
        QVERIFY(!format.getStrType().isVariableStr());
        QVERIFY(!file.openGroup("graph").openAttribute("json").getStrType().isVariableStr());
    }

    // A checkpoint without a seal (older Neurino, variable-length strings) is read as before.
    void unsealedVariableLengthFileStillLoads()
    {
        QTemporaryDir dir;
        Trainer trainer(test::mlp(2, { { 1, "sigmoid" } }), resumableConfig("adam"));
        trainer.setData(test::xorData());
        const std::string sealed = tempPath(dir, "sealed.h5"), old = tempPath(dir, "old.h5");
        saveCheckpoint(sealed, trainer.checkpoint());
        // Copy every object into a file without a user block, and rewrite the string attributes of the
        // root as variable-length ones, as Neurino 0.x wrote them.
        {
            H5::H5File in(sealed, H5F_ACC_RDONLY);
            H5::H5File out(old, H5F_ACC_TRUNC);
            for (const auto& name : { "graph", "weights", "optimizer", "history" })
                H5Ocopy(in.getId(), name, out.getId(), name, H5P_DEFAULT, H5P_DEFAULT);
            if (in.nameExists("rng"))
                H5Ocopy(in.getId(), "rng", out.getId(), "rng", H5P_DEFAULT, H5P_DEFAULT);
            const H5::Group inRoot = in.openGroup("/");
            H5::Group outRoot = out.openGroup("/");
            const H5::StrType variable(H5::PredType::C_S1, H5T_VARIABLE);
            for (int i = 0; i < inRoot.getNumAttrs(); ++i) {
                const H5::Attribute a = inRoot.openAttribute(static_cast<unsigned>(i));
                if (a.getDataType().getClass() == H5T_STRING) {
                    std::string value;
                    a.read(a.getStrType(), value);
                    const char* raw = value.c_str();
                    outRoot.createAttribute(a.getName(), variable, H5::DataSpace(H5S_SCALAR))
                        .write(variable, &raw);
                } else {
                    const H5::DataType type = a.getDataType();
                    std::vector<char> bytes(type.getSize());
                    a.read(type, bytes.data());
                    outRoot.createAttribute(a.getName(), type, H5::DataSpace(H5S_SCALAR))
                        .write(type, bytes.data());
                }
            }
        }
        const Checkpoint c = loadCheckpoint(old);
        QCOMPARE(c.optimizerName, std::string("adam"));
        QCOMPARE(c.seed, std::uint64_t(77));
    }
};

NEURINO_TEST_MAIN(TestCheckpoint)
#include "TestCheckpoint.moc"
