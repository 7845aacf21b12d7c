# Writes a program's man page from its --help, --version and every subcommand's --help (two levels deep, as
# neurino-batch's `exercise run`), gzipped as Debian wants it:
#   cmake -DHELP2MAN=... -DPROGRAM=path -DNAME=neurino-batch -DSUMMARY="..." -DEXTRA=file.h2m -DOUT=x.1.gz
#         -P ManPage.cmake
# EXTRA holds hand-written sections (FILES, ENVIRONMENT, SEE ALSO) in help2man's include format.
get_filename_component(work ${OUT} DIRECTORY)
set(include ${work}/${NAME}.h2m)
set(page ${work}/${NAME}.1)

# The help text of `PROGRAM args...` as roff without filling, the program's build path replaced by its name.
function(help_section out)
  execute_process(COMMAND ${PROGRAM} ${ARGN} --help OUTPUT_VARIABLE text ERROR_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} ${ARGN} --help failed (${rc})")
  endif()
  string(REPLACE "${PROGRAM}" "${NAME}" text "${text}")
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(JOIN " " title ${NAME} ${ARGN})
  set(${out} ".SS \"${title}\"\n.nf\n${text}.fi\n" PARENT_SCOPE)
endfunction()

# The subcommand names a CLI11 help lists after "Subcommands:".
function(subcommands out)
  execute_process(COMMAND ${PROGRAM} ${ARGN} --help OUTPUT_VARIABLE text ERROR_QUIET)
  set(names)
  if(text MATCHES "\nSubcommands:\n(.*)")
    string(REGEX MATCHALL "\n  [a-z0-9_-]+" found "\n${CMAKE_MATCH_1}")
    foreach(line IN LISTS found)
      string(STRIP "${line}" line)
      list(APPEND names ${line})
    endforeach()
  endif()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

set(commands "")
subcommands(top)
foreach(command IN LISTS top)
  help_section(section ${command})
  string(APPEND commands "${section}")
  subcommands(inner ${command})
  foreach(sub IN LISTS inner)
    help_section(section ${command} ${sub})
    string(APPEND commands "${section}")
  endforeach()
endforeach()
set(text "")
if(commands)
  set(text "[COMMANDS]\nEvery command takes \\fB\\-\\-help\\fR; these are their helps.\n${commands}")
endif()
if(EXTRA)
  file(READ ${EXTRA} extra)
  string(APPEND text "${extra}")
endif()
file(WRITE ${include} "${text}")

execute_process(COMMAND ${HELP2MAN} --no-info --name=${SUMMARY} --include=${include}
                        --output=${page} ${PROGRAM}
                RESULT_VARIABLE rc ERROR_VARIABLE error)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed on ${PROGRAM}: ${error}")
endif()
file(READ ${page} man)
string(REPLACE "${PROGRAM}" "${NAME}" man "${man}")
file(WRITE ${page} "${man}")
# -n: no name or time stamp in the archive, so the same help gives the same bytes.
execute_process(COMMAND gzip -9nf ${page} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip failed on ${page}")
endif()
