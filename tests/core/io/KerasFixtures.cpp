#include "tests/core/io/KerasFixtures.h"

#include "core/io/Hdf5.h"
#include "tests/TestSupport.h"

namespace neurino::test::kerasfixtures {

const std::vector<std::string> kModels
    = { "seq_mlp", "seq_mlp_tf", "seq_cnn2d_cl", "func_cnn2d_cf", "seq_conv1d_cl", "func_conv1d_cf",
          "func_branches_cl", "func_generator_cl", "func_two_inputs", "seq_k20_chunked" };

QString make(const QString& folder)
{
    // Debian's /usr/bin/python3, else python3 on PATH.
    for (const QString& python : { QString("/usr/bin/python3"), QString("python3") }) {
        if (runProcess(python, { "-c", "import h5py, numpy" }, {}, 60000).exitCode != 0)
            continue;
        const ProcessResult r = runProcess(python,
            { QString::fromStdString(sourcePath("tests/tools/make_keras_fixtures.py")), folder }, {}, 120000);
        return r.exitCode == 0 ? QString() : "make_keras_fixtures.py failed: " + r.err;
    }
    return "python3 with h5py and numpy is not installed (Debian: apt install python3-h5py python3-numpy); "
           "the Keras fixtures cannot be made";
}

Reference readReference(const std::string& path)
{
    auto held = hdf5::lock();
    const H5::H5File file(path, H5F_ACC_RDONLY);
    Reference r;
    for (int i = 0; hdf5::datasetExists(file, "input" + std::to_string(i)); ++i)
        r.inputs.push_back(hdf5::readTensor(file, "input" + std::to_string(i)).to(torch::kFloat32));
    r.output = hdf5::readTensor(file, "output").to(torch::kFloat32);
    r.kerasParams = hdf5::readInt64(file, "keras_params").value_or(-1);
    return r;
}

} // namespace neurino::test::kerasfixtures
