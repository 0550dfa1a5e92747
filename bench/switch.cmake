# The server's benchmark tools (bench/server/run-wrk drives them with wrk; not part of CI):
# a bare Beast server answering 200 (the reference) and the pre-signed request generator.
add_executable(cho4-bare-beast ${CMAKE_CURRENT_LIST_DIR}/server/bare_beast.cpp)
target_link_libraries(cho4-bare-beast PRIVATE cho4::beast cho4::warnings cho4::allocator)
add_executable(cho4-bench-requests ${CMAKE_CURRENT_LIST_DIR}/server/make_requests.cpp)
target_link_libraries(cho4-bench-requests PRIVATE cho4::adapters cho4::core Boost::json cho4::warnings
                                              cho4::allocator)
