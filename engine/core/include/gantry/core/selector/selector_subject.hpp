#pragma once

#include <string_view>

#include "gantry/core/selector/selector_value.hpp"

namespace gantry::core {

// A message as a selector sees it. The engine implements this over stored
// records (the property string) and over typed headers: it resolves the JMS
// header names (JMSPriority, JMSTimestamp, JMSMessageID, JMSCorrelationID,
// JMSType, JMSDeliveryMode) itself, so the selector only ever asks by name.
//
// Names are case-sensitive (JMS). A property the message does not carry is
// an absent value. Returned string views must stay valid until the
// evaluation that asked returns; a subject that formats a value (a message
// id from a number) keeps the text in a buffer of its own.
class selector_subject {
public:
    virtual ~selector_subject() = default;
    virtual selector_value property(std::string_view name) const = 0;
};

} // namespace gantry::core
