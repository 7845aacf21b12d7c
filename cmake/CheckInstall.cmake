# The TestInstall test: installs this build (components runtime and dev) into a fresh prefix, runs the installed
# neurino-batch with no hint of the source tree, then builds examples/ against the installed CMake package
# and runs it on a few hundred events:
#   cmake -DBINARY_DIR=... -DSOURCE_DIR=... -DWORK=... -DGENERATOR=... -DCXX=... [-DLAUNCHER=ccache]
#         -P CheckInstall.cmake
set(prefix ${WORK}/prefix)
file(REMOVE_RECURSE ${prefix} ${WORK}/example ${WORK}/home)
file(MAKE_DIRECTORY ${WORK}/home)

function(run what)
  string(JOIN " " shown ${ARGN})
  message(STATUS "${what}: ${shown}")
  # Nothing may point the installed programs back at the source tree; user data goes to a folder of ours.
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=NEURINO_RESOURCE_DIR HOME=${WORK}/home
                          XDG_CACHE_HOME=${WORK}/home/cache NEURINO_DATA_DIR=${WORK}/home/data ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

foreach(component runtime dev)
  run("install ${component}" ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix} --component ${component})
endforeach()

set(batch ${prefix}/bin/neurino-batch)
run("version" ${batch} --version)
run("info" ${batch} info)
file(REAL_PATH ${prefix} real_prefix)
string(FIND "${output}" "resources:  ${real_prefix}/" at)
if(at EQUAL -1 OR NOT output MATCHES "share/neurino\n")
  message(FATAL_ERROR "the installed neurino-batch does not read the installed resources:\n${output}")
endif()
run("exercise list" ${batch} exercise list)
if(NOT output MATCHES "first_steps")
  message(FATAL_ERROR "exercise list shows no first_steps:\n${output}")
endif()
file(GLOB_RECURSE template ${prefix}/*/higgs_deep.neurino.json)
run("summary" ${batch} summary ${template})
if(NOT output MATCHES "166,801")
  message(FATAL_ERROR "summary of the installed higgs_deep does not count 166,801 parameters:\n${output}")
endif()
run("lesson" ${batch} exercise run first_steps --solution --quick)

set(launcher)
if(LAUNCHER)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
run("configure the example" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${WORK}/example -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${prefix} ${launcher})
run("build the example" ${CMAKE_COMMAND} --build ${WORK}/example)
run("run the example" ${WORK}/example/train_template 600)
message(STATUS "${output}")
