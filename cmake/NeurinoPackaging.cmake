# The Debian packages `scripts/neurino package` builds with CPack: neurino (the programs and what they read)
# and neurino-dev (the Qt-free libraries for other C++ projects). Run cpack in a build configured with
# CMAKE_INSTALL_PREFIX=/usr, so that the libraries go to Debian's multiarch folder.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME neurino)
set(CPACK_PACKAGE_VENDOR Neurino)
set(NEURINO_PACKAGE_MAINTAINER "Neurino developers <neurino@localhost>" CACHE STRING
    "Maintainer field of the Debian packages: name <e-mail address>")
set(CPACK_PACKAGE_CONTACT ${NEURINO_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description starts with its own synopsis; CPack puts the summary before it unless the summary
# is CPack's default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_NAME} built using CMake")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(neurino_deb_version ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME neurino)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION science)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "workbench for deep learning in physics
Neurino composes neural networks visually, trains them with LibTorch on CPU
or GPU while the loss curves update live, and looks inside them: kernels,
feature maps, PCA and t-SNE embeddings, confusion matrices, ROC curves, GAN
samples. Guided lessons go from XOR to Higgs classification, a calorimeter
GAN and TPC calibration. neurino-batch does all of it without a window.")
# dpkg-shlibdeps finds the libraries (LibTorch, Qt, HDF5); the Qt platform plugins are loaded at run time,
# and LibTorch trains several times faster on OpenBLAS than on the reference BLAS it depends on.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
# A shlibs file for the three libraries; ldconfig runs from a trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/triggers)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "libopenblas0-openmp | libopenblas0")
if(TARGET neurino)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "qt6-qpa-plugins")
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "${CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS}, fonts-dejavu-core")
endif()

set(CPACK_DEBIAN_DEV_PACKAGE_NAME neurino-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DESCRIPTION "Neurino's core as a C++ library (development files)
The Qt-free libraries of Neurino (the model graph, training, data,
evaluation and analysis; the physics dataset generators; the lessons) with
their headers and a CMake package: find_package(Neurino) gives Neurino::core,
Neurino::datasets and Neurino::exercises. An example program is in
/usr/share/doc/neurino-dev/examples.")
# The headers include LibTorch's, HDF5's and nlohmann/json's.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "neurino (= ${neurino_deb_version}), libtorch-dev, libhdf5-dev, nlohmann-json3-dev")

# What Debian's tools look for in every package: a changelog (one entry: this build) and, for neurino, the
# lintian overrides that say why the libraries are not in packages of their own (neurino-dev is their only
# user besides the programs).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  string(TIMESTAMP neurino_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
  foreach(package neurino neurino-dev)
    set(changelog ${PROJECT_BINARY_DIR}/packaging/${package}/changelog.Debian)
    file(WRITE ${changelog} "${package} (${neurino_deb_version}) unstable; urgency=medium\n\n"
               "  * Built with CPack from the Neurino sources.\n\n"
               " -- ${NEURINO_PACKAGE_MAINTAINER}  ${neurino_changelog_date}\n")
    execute_process(COMMAND gzip -9nf ${changelog})
    set(component runtime)
    if(package STREQUAL "neurino-dev")
      set(component dev)
    endif()
    install(FILES ${changelog}.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
  endforeach()
  install(FILES packaging/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
          RENAME neurino COMPONENT runtime)
endif()

include(CPack)
