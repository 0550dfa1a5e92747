// The one translation unit that compiles Boost.Asio, Asio's SSL support and Beast (separate
// compilation: BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are PUBLIC
// definitions of cho4_beast, so every user includes only declarations).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
