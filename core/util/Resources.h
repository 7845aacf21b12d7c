#pragma once

#include <string>

namespace neurino {

// The folder holding Neurino's resources (model templates, exercise texts): the environment variable
// NEURINO_RESOURCE_DIR when set; else, for an installed Neurino, share/neurino of the prefix it was
// installed into (found from where this library lies, so a moved prefix still works); else the source
// tree the program was built from.
std::string resourceDir();

// resourceDir() + "/" + relative; throws IoError naming the file when it does not exist.
std::string resourcePath(const std::string& relative);

// The path of a model template by name, e.g. "shapes_dense" -> .../models/shapes_dense.neurino.json.
std::string templatePath(const std::string& name);

} // namespace neurino
