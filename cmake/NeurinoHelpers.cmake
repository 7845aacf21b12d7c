# Small helpers shared by every folder's CMakeLists.

# Adds a sub-folder when it has a CMakeLists.txt, so libraries can come to life one at a time.
function(neurino_add_subdirectory_if_present dir)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt)
    add_subdirectory(${dir})
  endif()
endfunction()

# Warnings every Neurino target compiles with.
function(neurino_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
