#pragma once

#include <boost/intrusive/list_hook.hpp>

#include "gantry/protocols/common/admission.hpp"

namespace gantry::protocols::common {

using open_socket_hook = boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;

// What a listener's socket became (a connection, or an HTTP exchange that may
// become one), as the listener needs to end it: it sits in its io_context's
// open_connections (the hook), and aborting it there at stop() is the only
// per-socket state a listener keeps, so an idle connection costs the
// listener nothing.
class accepted_socket : public open_socket_hook {
public:
    virtual ~accepted_socket() = default;

    // The listener that admitted it; null for a socket the broker opened.
    virtual const admission* admitted_by() const noexcept = 0;
    // The listener stops; called on the socket's executor.
    virtual void abort_for_stop() = 0;
};

} // namespace gantry::protocols::common
