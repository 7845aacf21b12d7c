# What `cmake --install` puts where, in two components that become the two Debian packages:
#   runtime (neurino):   the programs, the shared libraries, templates and lesson texts, the desktop entry,
#                        icon, AppStream metadata and the man pages
#   dev (neurino-dev):   headers, the library links, the CMake package (find_package(Neurino) gives
#                        Neurino::core, ::datasets, ::exercises) and the example that uses it
include(CMakePackageConfigHelpers)

get_property(neurino_libraries GLOBAL PROPERTY NEURINO_LIBRARIES)
install(TARGETS ${neurino_libraries} EXPORT NeurinoTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(TARGETS neurino-batch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY resources/models resources/exercises resources/slurm
        DESTINATION ${NEURINO_INSTALL_RESOURCEDIR} COMPONENT runtime)

if(TARGET neurino)
  install(TARGETS neurino RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
  install(FILES packaging/neurino.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT runtime)
  install(FILES resources/icons/neurino.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
          COMPONENT runtime)
  # The release date follows SOURCE_DATE_EPOCH when set, so that a package build is reproducible.
  string(TIMESTAMP NEURINO_RELEASE_DATE "%Y-%m-%d" UTC)
  set(metainfo io.github.neurino.Neurino.metainfo.xml)
  configure_file(packaging/${metainfo} ${PROJECT_BINARY_DIR}/${metainfo} @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${metainfo} DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo
          COMPONENT runtime)
endif()

# Man pages from the programs' own help (help2man: `scripts/neurino package` installs it; without it the
# packages have no man pages and the build says so).
find_program(NEURINO_HELP2MAN help2man)
set(neurino_man_programs neurino-batch)
if(TARGET neurino)
  list(APPEND neurino_man_programs neurino)
endif()
set(neurino_man_summary_neurino-batch "build, train, evaluate and inspect Neurino models without a window")
set(neurino_man_summary_neurino "compose, train and look inside neural networks")
if(NEURINO_HELP2MAN)
  set(pages)
  foreach(program IN LISTS neurino_man_programs)
    set(page ${PROJECT_BINARY_DIR}/man/${program}.1.gz)
    add_custom_command(OUTPUT ${page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
              ${CMAKE_COMMAND} -DHELP2MAN=${NEURINO_HELP2MAN} -DPROGRAM=$<TARGET_FILE:${program}> -DNAME=${program}
              "-DSUMMARY=${neurino_man_summary_${program}}" -DEXTRA=${PROJECT_SOURCE_DIR}/packaging/${program}.h2m
              -DOUT=${page} -P ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
      DEPENDS ${program} ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake ${PROJECT_SOURCE_DIR}/packaging/${program}.h2m
      COMMENT "Writing the man page of ${program} from its help" VERBATIM)
    list(APPEND pages ${page})
  endforeach()
  add_custom_target(neurino_man_pages ALL DEPENDS ${pages})
  install(FILES ${pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
else()
  message(STATUS "help2man not found: no man pages (scripts/neurino package installs it)")
endif()

foreach(dir core datasets exercises)
  install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/neurino/${dir} COMPONENT dev
          FILES_MATCHING PATTERN "*.h")
endforeach()
set(neurino_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/Neurino)
install(EXPORT NeurinoTargets NAMESPACE Neurino:: DESTINATION ${neurino_cmake_dir} COMPONENT dev)
configure_package_config_file(cmake/NeurinoConfig.cmake.in ${PROJECT_BINARY_DIR}/NeurinoConfig.cmake
                              INSTALL_DESTINATION ${neurino_cmake_dir})
# Before 1.0 a new minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/NeurinoConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/NeurinoConfig.cmake ${PROJECT_BINARY_DIR}/NeurinoConfigVersion.cmake
        DESTINATION ${neurino_cmake_dir} COMPONENT dev)
install(FILES examples/CMakeLists.txt examples/train_template.cpp
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/neurino-dev/examples COMPONENT dev)
